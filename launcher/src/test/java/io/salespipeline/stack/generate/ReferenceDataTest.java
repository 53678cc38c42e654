package io.salespipeline.stack.generate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.salespipeline.contract.ReferenceField;
import io.salespipeline.contract.Topic;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The generated catalog and directory, as the job's reference parser and the README describe them. */
class ReferenceDataTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long START = Instant.parse("2018-06-29T20:45:00Z").toEpochMilli();
    private static final Duration SPAN = Duration.ofHours(2);

    private static EventGenerator.Settings settings(long seed) {
        return new EventGenerator.Settings(seed, 20, 30, 0, 0, START, 0);
    }

    @Test
    void everyItemIsPricedBeforeTheFirstSaleAThirdRepricedHalfwayAndTheLastDelisted() throws Exception {
        Catalog catalog = new Catalog(20, 30);
        Map<String, List<JsonNode>> versions = new HashMap<>();
        for (ReferenceData.Record record : ReferenceData.of(settings(1), SPAN)) {
            JsonNode value = JSON.readTree(record.value());
            ReferenceField.Kind kind =
                    record.topic() == Topic.ITEM_CATALOG ? ReferenceField.Kind.ITEM : ReferenceField.Kind.STORE;
            String id = value.path(kind.id().key()).asText();
            long effectiveFrom = value.path(ReferenceField.EFFECTIVE_FROM.key()).asLong();
            assertThat(new String(record.key(), StandardCharsets.UTF_8))
                    .as("keyed by id and effective time, so compaction keeps every version")
                    .isEqualTo(Topic.referenceKey(id, effectiveFrom));
            if (!value.path(ReferenceField.DELETED.key()).asBoolean()) {
                for (ReferenceField field : kind.listing()) {
                    assertThat(value.hasNonNull(field.key()))
                            .as(id + " " + field.key())
                            .isTrue();
                }
            }
            versions.computeIfAbsent(kind + " " + id, k -> new ArrayList<>()).add(value);
        }
        List<Catalog.Item> items = catalog.items();
        int repriced = 0;
        for (int k = 0; k < items.size(); k++) {
            List<JsonNode> item = versions.get("ITEM " + items.get(k).id());
            assertThat(item.get(0).path(ReferenceField.EFFECTIVE_FROM.key()).asLong())
                    .as("listed a day before the first sale: late sales find it too")
                    .isEqualTo(START - Duration.ofDays(1).toMillis());
            BigDecimal price = new BigDecimal(
                    item.get(0).path(ReferenceField.UNIT_PRICE.key()).asText());
            assertThat(price.scale()).isEqualTo(2);
            assertThat(price).isPositive();
            assertThat(item.get(0).path(ReferenceField.CURRENCY.key()).asText()).isEqualTo("EUR");
            for (JsonNode later : item.subList(1, item.size())) {
                long at = later.path(ReferenceField.EFFECTIVE_FROM.key()).asLong();
                assertThat(at).as("changes happen within the generated span").isBetween(START, START + SPAN.toMillis());
                if (!later.path(ReferenceField.DELETED.key()).asBoolean()) {
                    repriced++;
                    assertThat(new BigDecimal(
                                    later.path(ReferenceField.UNIT_PRICE.key()).asText()))
                            .isNotEqualByComparingTo(price);
                }
            }
        }
        assertThat(repriced).isEqualTo(10);
        assertThat(versions.get("ITEM " + items.get(items.size() - 1).id()))
                .last()
                .satisfies(v -> assertThat(v.path(ReferenceField.DELETED.key()).asBoolean())
                        .isTrue());
        List<Catalog.Store> stores = catalog.stores();
        assertThat(versions.get("STORE " + stores.get(stores.size() - 1).name()))
                .as("the quietest store is not in the directory")
                .isNull();
        assertThat(versions.get("STORE " + stores.get(0).name()))
                .singleElement()
                .satisfies(v ->
                        assertThat(v.path(ReferenceField.REGION.key()).asText()).isEqualTo("Central"));
    }

    @Test
    void theSameSettingsGiveTheSameRecordsAndAnotherSeedOtherPrices() {
        assertThat(render(ReferenceData.of(settings(7), SPAN))).isEqualTo(render(ReferenceData.of(settings(7), SPAN)));
        assertThat(render(ReferenceData.of(settings(8), SPAN)))
                .isNotEqualTo(render(ReferenceData.of(settings(7), SPAN)));
    }

    private static List<String> render(List<ReferenceData.Record> records) {
        return records.stream()
                .map(r -> r.topic() + " " + new String(r.key(), StandardCharsets.UTF_8) + " "
                        + new String(r.value(), StandardCharsets.UTF_8))
                .toList();
    }
}
