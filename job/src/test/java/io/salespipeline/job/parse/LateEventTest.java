package io.salespipeline.job.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.salespipeline.job.records.LateEvent;
import io.salespipeline.job.records.LateReason;
import io.salespipeline.job.records.SaleEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class LateEventTest {

    @Test
    void writesTheLateTopicJson() throws Exception {
        SaleEvent event = new SaleEvent(
                "plates-235", "Plates \"fine\"", "Hermitage - 1", 23, 1530305100936L, "item_sales", 4, 99L);
        LateEvent late = new LateEvent(event, LateReason.BEHIND_ITS_PARTITION, 1530305400000L, 60_000L);

        JsonNode json = new ObjectMapper().readTree(late.toJson());

        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        assertThat(names)
                .containsExactly(
                        "item_id",
                        "item_name",
                        "store_id",
                        "item_sold",
                        "timestamp_ms",
                        "source",
                        "late_reason",
                        "watermark_ms",
                        "allowed_lateness_ms");
        assertThat(json.get("late_reason").textValue()).isEqualTo("BEHIND_ITS_PARTITION");
        assertThat(json.get("item_id").textValue()).isEqualTo("plates-235");
        assertThat(json.get("item_name").textValue()).isEqualTo("Plates \"fine\"");
        assertThat(json.get("store_id").textValue()).isEqualTo("Hermitage - 1");
        assertThat(json.get("item_sold").intValue()).isEqualTo(23);
        assertThat(json.get("timestamp_ms").longValue()).isEqualTo(1530305100936L);
        assertThat(json.get("source").get("topic").textValue()).isEqualTo("item_sales");
        assertThat(json.get("source").get("partition").intValue()).isEqualTo(4);
        assertThat(json.get("source").get("offset").longValue()).isEqualTo(99L);
        assertThat(json.get("watermark_ms").longValue()).isEqualTo(1530305400000L);
        assertThat(json.get("allowed_lateness_ms").longValue()).isEqualTo(60_000L);
    }

    @Test
    void latePayloadParsesBackToTheSameEvent() {
        SaleEvent event =
                new SaleEvent("plates-235", "Plates", "Hermitage - 1", 0, 1530305100936L, "item_sales", 4, 99L);

        ParseResult<SaleEvent> reparsed = new SaleEventParser()
                .parse(
                        new LateEvent(event, LateReason.BEHIND_THE_WATERMARK_AFTER_IDLE, 1L, 2L).toJson(),
                        "item_sales",
                        4,
                        99L);

        assertThat(reparsed.value()).isEqualTo(event);
    }
}
