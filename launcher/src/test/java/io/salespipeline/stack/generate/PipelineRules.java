package io.salespipeline.stack.generate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The pipeline's rules for a valid sale event, written again here from its documentation rather
 * than shared with the generator, so a generator bug cannot hide behind the same bug in the check:
 * strict UTF-8, one JSON object without duplicate keys, the three text fields non-blank strings,
 * {@code item_sold} and {@code timestamp_ms} integers (JSON numbers or numeric strings) with
 * {@code 0 <= item_sold <= 1,000,000} and {@code timestamp_ms} in [2000-01-01, 2100-01-01).
 */
final class PipelineRules {

    record Sale(String itemId, String storeId, String itemName, long itemSold, long timestampMs) {}

    private static final long MIN_TIMESTAMP_MS = 946_684_800_000L;
    private static final long MAX_TIMESTAMP_MS = 4_102_444_800_000L;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private PipelineRules() {}

    /** The event, or empty when the pipeline would send the message to the dead-letter topic. */
    static Optional<Sale> parse(byte[] value) {
        JsonNode root;
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
            root = JSON.readTree(text);
        } catch (IOException e) {
            // malformed UTF-8 (CharacterCodingException) or malformed JSON
            return Optional.empty();
        }
        if (root == null || !root.isObject()) {
            return Optional.empty();
        }
        String itemId = text(root.get("item_id"));
        String storeId = text(root.get("store_id"));
        String itemName = text(root.get("item_name"));
        Long itemSold = integer(root.get("item_sold"));
        Long timestampMs = integer(root.get("timestamp_ms"));
        if (itemId == null
                || storeId == null
                || itemName == null
                || itemSold == null
                || timestampMs == null
                || itemSold < 0
                || itemSold > 1_000_000
                || timestampMs < MIN_TIMESTAMP_MS
                || timestampMs >= MAX_TIMESTAMP_MS) {
            return Optional.empty();
        }
        return Optional.of(new Sale(itemId, storeId, itemName, itemSold, timestampMs));
    }

    private static String text(JsonNode node) {
        return node != null && node.isTextual() && !node.textValue().isBlank() ? node.textValue() : null;
    }

    private static Long integer(JsonNode node) {
        BigDecimal value;
        if (node == null) {
            return null;
        } else if (node.isNumber()) {
            value = node.decimalValue();
        } else if (node.isTextual() && node.textValue().strip().matches("[+-]?[0-9]+(\\.0+)?")) {
            value = new BigDecimal(node.textValue().strip());
        } else {
            return null;
        }
        try {
            return value.longValueExact();
        } catch (ArithmeticException e) {
            return null;
        }
    }
}
