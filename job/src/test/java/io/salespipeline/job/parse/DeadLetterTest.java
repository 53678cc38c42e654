package io.salespipeline.job.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.salespipeline.contract.Topic;
import io.salespipeline.job.kafka.KafkaConnectors;
import io.salespipeline.job.records.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class DeadLetterTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final byte[] NOT_UTF8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'};

    @Test
    void writesTheEnvelopeWithTextPayloadForUtf8() throws Exception {
        String payload = "{\"item_id\": \"caf\u00e9\", \"item_sold\": \"abc\"}\n";
        DeadLetter letter = DeadLetter.of(
                "WRONG_TYPE",
                "field 'item_sold' is \"abc\": not an integer",
                "item_sales",
                2,
                77L,
                1530305100936L,
                payload.getBytes(StandardCharsets.UTF_8));

        JsonNode json = MAPPER.readTree(letter.toJson());

        assertThat(json.get("reason").textValue()).isEqualTo("WRONG_TYPE");
        assertThat(json.get("detail").textValue()).isEqualTo("field 'item_sold' is \"abc\": not an integer");
        assertThat(json.get("source").get("topic").textValue()).isEqualTo("item_sales");
        assertThat(json.get("source").get("partition").intValue()).isEqualTo(2);
        assertThat(json.get("source").get("offset").longValue()).isEqualTo(77L);
        assertThat(json.get("source").get("timestamp").longValue()).isEqualTo(1530305100936L);
        assertThat(json.get("payload").textValue()).isEqualTo(payload);
        assertThat(json.has("payload_base64")).isFalse();
        assertThat(fieldNames(json)).containsExactly("reason", "detail", "source", "payload");
        assertThat(fieldNames(json.get("source"))).containsExactly("topic", "partition", "offset", "timestamp");
    }

    @Test
    void writesBase64ForPayloadsThatAreNotUtf8() throws Exception {
        DeadLetter letter = DeadLetter.of("NOT_UTF8", "bad bytes", "item_sales", 0, 1L, 5L, NOT_UTF8);

        assertThat(letter.payloadText).isNull();
        assertThat(letter.payloadBase64).isEqualTo(Base64.getEncoder().encodeToString(NOT_UTF8));
        JsonNode json = MAPPER.readTree(letter.toJson());
        assertThat(json.has("payload")).isFalse();
        assertThat(Base64.getDecoder().decode(json.get("payload_base64").textValue()))
                .isEqualTo(NOT_UTF8);
    }

    @Test
    void roundTripsThroughJsonAndKeepsThePayloadBytes() {
        byte[] text = "{\"q\": \"\\\"quoted\\\"\\n\", \"emoji\": \"\ud83c\udf7d\"}".getBytes(StandardCharsets.UTF_8);
        byte[] oversize = ("{\"pad\": \"" + "p".repeat(70_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        List<DeadLetter> letters = List.of(
                DeadLetter.of("NOT_JSON", "detail \"with\" quotes\nand lines", "t", 1, 2L, 3L, text),
                DeadLetter.of("NOT_UTF8", "bad", "t", 0, Long.MAX_VALUE, 4L, NOT_UTF8),
                DeadLetter.of("OVERSIZE", "too big", "t", 5, 6L, 7L, oversize),
                DeadLetter.of("EMPTY_MESSAGE", "tombstone", "t", 8, 9L, DeadLetter.NO_TIMESTAMP, null),
                DeadLetter.of("EMPTY_MESSAGE", "empty", "t", 8, 10L, 0L, new byte[0]));

        for (DeadLetter letter : letters) {
            DeadLetter back = DeadLetter.fromJson(letter.toJson());
            assertThat(back).isEqualTo(letter);
            assertThat(back.payloadBytes()).isEqualTo(letter.payloadBytes());
        }
        assertThat(letters.get(0).payloadBytes()).isEqualTo(text);
        assertThat(letters.get(1).payloadBytes()).isEqualTo(NOT_UTF8);
        assertThat(letters.get(2).payloadBytes()).isEqualTo(oversize);
        assertThat(letters.get(3).payloadBytes()).isNull();
        assertThat(letters.get(4).payloadBytes()).isEmpty();
    }

    /**
     * The worst payloads for the envelope's size, up to the largest message the log topic takes:
     * control bytes escape to six characters each, non-UTF-8 goes to base64. An envelope over the
     * producer's limit fails the sink and restarts the job on the same offset for ever.
     */
    @Test
    void noPayloadTheLogAcceptsMakesAnEnvelopeTheDeadLetterProducerRefuses() throws Exception {
        int logMaxMessageBytes = Topic.ITEM_SALES.maxMessageBytes();
        byte[] controlBytes = new byte[3 * 1024 * 1024];
        Arrays.fill(controlBytes, (byte) 0x01);
        byte[] justWhole = new byte[DeadLetter.WHOLE_PAYLOAD_MAX_BYTES];
        Arrays.fill(justWhole, (byte) 0x01);
        byte[] notUtf8 = new byte[logMaxMessageBytes];
        new Random(7).nextBytes(notUtf8);
        byte[] largestControl = new byte[logMaxMessageBytes];
        Arrays.fill(largestControl, (byte) 0x1f);
        for (byte[] payload : List.of(controlBytes, justWhole, notUtf8, largestControl)) {
            byte[] envelope = DeadLetter.of(
                            "OVERSIZE", "message of " + payload.length + " bytes", "item_sales", 0, 1L, 2L, payload)
                    .toJson();
            assertThat(envelope.length)
                    .as("envelope of a %d-byte payload", payload.length)
                    .isLessThanOrEqualTo(KafkaConnectors.MAX_ENVELOPE_BYTES);
        }
    }

    @Test
    void aTruncatedPayloadKeepsItsStartLengthAndDigest() throws Exception {
        byte[] payload = new byte[DeadLetter.WHOLE_PAYLOAD_MAX_BYTES + 1];
        Arrays.fill(payload, (byte) 0x01);
        DeadLetter letter = DeadLetter.of("OVERSIZE", "too big", "item_sales", 3, 99L, 5L, payload);

        JsonNode json = MAPPER.readTree(letter.toJson());

        assertThat(json.get("payload_truncated").booleanValue()).isTrue();
        assertThat(json.get("payload_bytes").longValue()).isEqualTo(payload.length);
        assertThat(json.get("payload_sha256").textValue())
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(payload)));
        assertThat(json.get("payload").textValue()).isEqualTo("\u0001".repeat(DeadLetter.TRUNCATED_PAYLOAD_BYTES));
        assertThat(json.get("source").get("offset").longValue()).isEqualTo(99L);
        assertThat(DeadLetter.fromJson(letter.toJson())).isEqualTo(letter);

        DeadLetter whole = DeadLetter.of(
                "OVERSIZE",
                "big",
                "item_sales",
                3,
                100L,
                5L,
                Arrays.copyOf(payload, DeadLetter.WHOLE_PAYLOAD_MAX_BYTES));
        assertThat(whole.payloadTruncated).isFalse();
        assertThat(whole.payloadBytes()).hasSize(DeadLetter.WHOLE_PAYLOAD_MAX_BYTES);
        assertThat(MAPPER.readTree(whole.toJson()).has("payload_truncated")).isFalse();
    }

    @Test
    void writesMissingTimestampAndTombstonePayloadAsNull() throws Exception {
        DeadLetter tombstone = DeadLetter.of("EMPTY_MESSAGE", "tombstone", "t", 0, 0L, DeadLetter.NO_TIMESTAMP, null);

        JsonNode json = MAPPER.readTree(tombstone.toJson());

        assertThat(json.get("source").get("timestamp").isNull()).isTrue();
        assertThat(json.get("payload").isNull()).isTrue();
        assertThat(tombstone.payloadText).isNull();
        assertThat(tombstone.payloadBase64).isNull();
    }

    @Test
    void refusesToReadWhatIsNotAnEnvelope() {
        assertThatThrownBy(() -> DeadLetter.fromJson("[1]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeadLetter.fromJson("{\"reason\": \"X\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeadLetter.fromJson("{\"reason\": ".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
