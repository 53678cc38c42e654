package io.salespipeline.job.parse;

import io.salespipeline.contract.ReferenceField;
import io.salespipeline.contract.Topic;
import io.salespipeline.job.records.ReferenceVersion;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonParseException;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonParser;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.DeserializationFeature;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.json.JsonMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * Turns one message of a reference topic into a {@link ReferenceVersion} or a {@link RejectReason} with a detail.
 *
 * <p>The key is {@code <id>@<effective_from>} ({@link Topic#referenceKey}) and must name the value's own id and
 * {@code effective_from}: compaction keeps the newest value per key, so a value under another key would be
 * compacted away with the wrong version. A null value (a tombstone) takes back the version its key names. A value
 * is a JSON object with the fields of {@link ReferenceField.Kind#listing()}, or {@code "deleted": true} and the id
 * and {@code effective_from} alone. {@code effective_from} may be a number or a numeric string, as the tills'
 * {@code timestamp_ms}; {@code unit_price} a decimal number or string, kept exactly (never a double), non-negative.
 *
 * <p>{@link #parse} never throws: a reference record cannot fail the job.
 */
public final class ReferenceParser implements Serializable {

    private static final long serialVersionUID = 1L;

    /** A price with more digits than this is no price anyone set: it would only make the revenue sums slow. */
    static final int MAX_PRICE_PRECISION = 30;

    static final int MAX_PRICE_SCALE = 10;

    private final ParserLimits limits;
    private final String currency;

    private transient ObjectMapper mapper;

    public ReferenceParser(ParserLimits limits, String currency) {
        this.limits = limits;
        this.currency = currency;
    }

    public ParseResult<ReferenceVersion> parse(ReferenceField.Kind kind, byte[] key, byte[] value) {
        try {
            return ParseResult.valid(read(kind, key, value));
        } catch (Rejection r) {
            return ParseResult.rejected(r.reason, r.getMessage());
        } catch (Exception e) {
            return ParseResult.rejected(
                    RejectReason.NOT_JSON, "unexpected " + e.getClass().getName() + ": " + e.getMessage());
        }
    }

    private ReferenceVersion read(ReferenceField.Kind kind, byte[] keyBytes, byte[] value)
            throws Rejection, IOException {
        if (keyBytes == null) {
            throw new Rejection(
                    RejectReason.KEY_MISMATCH,
                    "the record has no key; reference records are keyed <"
                            + kind.id().key() + ">" + Topic.REFERENCE_KEY_SEPARATOR + "<effective_from>");
        }
        String key = utf8(keyBytes, "key");
        if (value == null) {
            return tombstone(kind, key);
        }
        if (value.length > limits.maxMessageBytes()) {
            throw new Rejection(
                    RejectReason.OVERSIZE,
                    "message is " + value.length + " bytes, over the limit of " + limits.maxMessageBytes() + " bytes");
        }
        String text = utf8(value, "message");
        if (text.isBlank()) {
            throw new Rejection(RejectReason.EMPTY_MESSAGE, "message is empty or whitespace only");
        }
        JsonNode root = tree(text);
        String id = text(root, kind.id());
        long effectiveFrom = effectiveFrom(root);
        String expectedKey = Topic.referenceKey(id, effectiveFrom);
        if (!expectedKey.equals(key)) {
            throw new Rejection(
                    RejectReason.KEY_MISMATCH,
                    "key '" + key + "' is not '" + expectedKey + "', the id and effective_from of the value");
        }
        if (deleted(root)) {
            return ReferenceVersion.deleted(kind, id, effectiveFrom);
        }
        if (kind == ReferenceField.Kind.ITEM) {
            String category = text(root, ReferenceField.CATEGORY);
            BigDecimal price = price(root);
            String priceCurrency = text(root, ReferenceField.CURRENCY);
            if (!priceCurrency.equals(currency)) {
                throw new Rejection(
                        RejectReason.WRONG_CURRENCY,
                        "field 'currency' is '" + priceCurrency + "', the job sums prices in " + currency
                                + " (enrichment.currency)");
            }
            return ReferenceVersion.item(id, effectiveFrom, price, category);
        }
        return ReferenceVersion.store(
                id, effectiveFrom, text(root, ReferenceField.REGION), text(root, ReferenceField.CITY));
    }

    private ReferenceVersion tombstone(ReferenceField.Kind kind, String key) throws Rejection {
        int at = key.lastIndexOf(Topic.REFERENCE_KEY_SEPARATOR);
        long effectiveFrom;
        try {
            effectiveFrom = at <= 0 ? -1 : Long.parseLong(key.substring(at + 1));
        } catch (NumberFormatException e) {
            effectiveFrom = -1;
        }
        if (effectiveFrom < 0) {
            throw new Rejection(
                    RejectReason.KEY_MISMATCH,
                    "tombstone key '" + key + "' is not <" + kind.id().key() + ">" + Topic.REFERENCE_KEY_SEPARATOR
                            + "<effective_from>");
        }
        return ReferenceVersion.tombstone(kind, key.substring(0, at), effectiveFrom);
    }

    private JsonNode tree(String text) throws Rejection, IOException {
        JsonNode root;
        try {
            root = mapper().readTree(text);
        } catch (JsonParseException e) {
            String message = e.getOriginalMessage();
            if (message != null && message.startsWith("Duplicate field '")) {
                throw new Rejection(RejectReason.DUPLICATE_FIELD, "not one value: " + message);
            }
            throw new Rejection(RejectReason.NOT_JSON, "not valid JSON: " + message);
        }
        if (root == null || !root.isObject()) {
            throw new Rejection(RejectReason.NOT_AN_OBJECT, "top-level value is not an object");
        }
        return root;
    }

    private String text(JsonNode root, ReferenceField field) throws Rejection {
        JsonNode node = present(root, field);
        if (!node.isTextual()) {
            throw new Rejection(
                    RejectReason.WRONG_TYPE, "field '" + field.key() + "' is " + node.getNodeType() + ", not a string");
        }
        String text = node.textValue();
        if (text.isBlank()) {
            throw new Rejection(RejectReason.EMPTY_FIELD, "field '" + field.key() + "' is empty or whitespace only");
        }
        if (text.codePointCount(0, text.length()) > limits.maxFieldChars()) {
            throw new Rejection(
                    RejectReason.FIELD_TOO_LONG,
                    "field '" + field.key() + "' is over the limit of " + limits.maxFieldChars() + " characters");
        }
        return text;
    }

    private long effectiveFrom(JsonNode root) throws Rejection {
        ReferenceField field = ReferenceField.EFFECTIVE_FROM;
        JsonNode node = present(root, field);
        BigDecimal value = decimal(node);
        if (value == null || value.stripTrailingZeros().scale() > 0) {
            throw new Rejection(
                    RejectReason.WRONG_TYPE,
                    "field '" + field.key() + "' is " + node + ": expected an integer (epoch milliseconds)");
        }
        if (value.compareTo(BigDecimal.valueOf(limits.minTimestampMs())) < 0
                || value.compareTo(BigDecimal.valueOf(limits.maxTimestampMs())) >= 0) {
            throw new Rejection(
                    RejectReason.TIMESTAMP_OUT_OF_RANGE,
                    "field '" + field.key() + "' is " + node + ": outside ["
                            + Instant.ofEpochMilli(limits.minTimestampMs()) + ", "
                            + Instant.ofEpochMilli(limits.maxTimestampMs()) + ")");
        }
        return value.longValueExact();
    }

    private static boolean deleted(JsonNode root) throws Rejection {
        JsonNode node = root.get(ReferenceField.DELETED.key());
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw new Rejection(
                    RejectReason.WRONG_TYPE,
                    "field '" + ReferenceField.DELETED.key() + "' is " + node.getNodeType() + ", not true or false");
        }
        return node.booleanValue();
    }

    private static BigDecimal price(JsonNode root) throws Rejection {
        ReferenceField field = ReferenceField.UNIT_PRICE;
        JsonNode node = present(root, field);
        BigDecimal price = decimal(node);
        if (price == null) {
            throw new Rejection(
                    RejectReason.INVALID_PRICE, "field '" + field.key() + "' is " + node + ": not a decimal number");
        }
        if (price.signum() < 0) {
            throw new Rejection(RejectReason.INVALID_PRICE, "field '" + field.key() + "' is " + node + ": negative");
        }
        if (price.scale() < 0) {
            price = price.setScale(0);
        }
        if (price.precision() > MAX_PRICE_PRECISION || price.scale() > MAX_PRICE_SCALE) {
            throw new Rejection(
                    RejectReason.INVALID_PRICE,
                    "field '" + field.key() + "' has " + price.precision() + " digits, " + price.scale()
                            + " after the point: at most " + MAX_PRICE_PRECISION + " and " + MAX_PRICE_SCALE);
        }
        return price;
    }

    /** A JSON number or a string holding a plain decimal number ({@code "4.95"}, {@code " 12 "}), else null. */
    private static BigDecimal decimal(JsonNode node) {
        if (node.isNumber()) {
            return node.isFloatingPointNumber() && !node.isBigDecimal() ? null : node.decimalValue();
        }
        if (!node.isTextual()) {
            return null;
        }
        String text = node.textValue().strip();
        if (!text.matches("[+-]?[0-9]+(\\.[0-9]+)?")) {
            return null;
        }
        return new BigDecimal(text);
    }

    private static JsonNode present(JsonNode root, ReferenceField field) throws Rejection {
        JsonNode node = root.get(field.key());
        if (node == null) {
            throw new Rejection(RejectReason.MISSING_FIELD, "field '" + field.key() + "' is missing");
        }
        if (node.isNull()) {
            throw new Rejection(RejectReason.NULL_FIELD, "field '" + field.key() + "' is null");
        }
        return node;
    }

    private static String utf8(byte[] bytes, String what) throws Rejection {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new Rejection(RejectReason.NOT_UTF8, "the " + what + " is not valid UTF-8");
        }
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            mapper = JsonMapper.builder()
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    // prices exactly as written: a double would turn 4.95 into 4.9500000000000001776...
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    // and with their scale: 4.950 stays 4.950, as its string form does
                    .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
                    .build();
        }
        return mapper;
    }
}
