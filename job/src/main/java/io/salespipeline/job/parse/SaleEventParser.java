package io.salespipeline.job.parse;

import io.salespipeline.contract.SaleField;
import io.salespipeline.job.records.SaleEvent;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonFactoryBuilder;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonLocation;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonParser;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonToken;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.StreamReadFeature;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.json.JsonReadFeature;

/**
 * Turns one Kafka message value into a {@link SaleEvent} or a {@link RejectReason} with a detail.
 *
 * <p>Checks run in a fixed order, so a message with several faults always gets the same reason:
 * empty, size, UTF-8, JSON syntax and duplicate keys over the whole message, top-level object, then
 * the fields in the order {@code item_id, store_id, item_name, item_sold, timestamp_ms} (never in
 * the order the producer wrote them). Unknown fields are ignored, whatever they contain.
 *
 * <p>What is accepted, beyond strict JSON:
 * <ul>
 *   <li>A leading byte order mark, which some producers write.
 *   <li>{@code item_sold} and {@code timestamp_ms} as a JSON number or as a string. A JSON number
 *       may have a fraction or exponent if its value is integral ({@code 23.0}, {@code 2.3e1}),
 *       because some serializers write every number as a double. A string, after stripping
 *       surrounding whitespace, must be {@code [+-]?[0-9]+} optionally followed by a fraction of
 *       zeros ({@code " 23 "}, {@code "+23"}, {@code "23.00"}); no exponent, no other characters.
 *       Anything else, {@code 23.5}, {@code "23.5"}, {@code "abc"}, {@code NaN} or
 *       {@code "Infinity"} included, is {@link RejectReason#WRONG_TYPE}.
 *   <li>Integers too large for a {@code long} are compared as if they were
 *       {@code Long.MAX_VALUE}/{@code MIN_VALUE}, so they are rejected as out of range (absurd,
 *       negative, timestamp out of range) rather than as a wrong type.
 * </ul>
 * Text fields are kept exactly as sent, not trimmed: a parser that rewrites keys would silently
 * merge or split items and stores. Only an empty or whitespace-only value is rejected.
 *
 * <p>{@link #parse} never throws. Valid messages take no exception path; rejections found while
 * validating are signalled with a stackless exception, which only keeps the validation code linear.
 *
 * <p>Not thread-safe: it reuses a decoder and a buffer between calls. Flink gives each subtask its
 * own deserialized copy, which is the intended use.
 */
public final class SaleEventParser implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final int MAX_VALUE_IN_DETAIL = 40;
    private static final int INITIAL_BUFFER_CHARS = 1024;
    private static final char BYTE_ORDER_MARK = '\uFEFF';
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);

    private final ParserLimits limits;

    // Transient and lazy: Flink serializes the function; each deserialized copy builds its own.
    private transient JsonFactory jsonFactory;
    private transient CharsetDecoder utf8Decoder;
    private transient CharBuffer chars;

    public SaleEventParser() {
        this(ParserLimits.defaults());
    }

    public SaleEventParser(ParserLimits limits) {
        if (limits == null) {
            throw new IllegalArgumentException("limits must not be null");
        }
        this.limits = limits;
    }

    public ParserLimits limits() {
        return limits;
    }

    /**
     * Parses one message value. Never throws: whatever goes wrong, including a bug in this class,
     * comes back as a rejection so one bad message cannot fail the job.
     */
    public ParseResult<SaleEvent> parse(byte[] value, String topic, int partition, long offset) {
        try {
            return ParseResult.valid(read(value, topic, partition, offset));
        } catch (Rejection r) {
            return ParseResult.rejected(r.reason, r.getMessage());
        } catch (Exception e) {
            return ParseResult.rejected(
                    RejectReason.NOT_JSON, "unexpected " + e.getClass().getName() + ": " + e.getMessage());
        }
    }

    private SaleEvent read(byte[] value, String topic, int partition, long offset) throws Rejection, IOException {
        if (value == null) {
            throw new Rejection(RejectReason.EMPTY_MESSAGE, "message value is null (a tombstone)");
        }
        if (value.length == 0) {
            throw new Rejection(RejectReason.EMPTY_MESSAGE, "message value is empty");
        }
        if (value.length > limits.maxMessageBytes()) {
            throw new Rejection(
                    RejectReason.OVERSIZE,
                    "message is " + value.length + " bytes, over the limit of " + limits.maxMessageBytes() + " bytes");
        }
        decodeUtf8(value);
        char[] text = chars.array();
        int end = chars.limit();
        int start = end > 0 && text[0] == BYTE_ORDER_MARK ? 1 : 0;
        if (isBlank(text, start, end)) {
            throw new Rejection(RejectReason.EMPTY_MESSAGE, "message is whitespace only");
        }
        Captured fields = capture(text, start, end);
        SaleEvent event = new SaleEvent();
        event.itemId = text(fields, SaleField.ITEM_ID);
        event.storeId = text(fields, SaleField.STORE_ID);
        event.itemName = text(fields, SaleField.ITEM_NAME);
        event.itemSold = itemSold(fields);
        event.timestampMs = timestampMs(fields);
        event.sourceTopic = topic;
        event.sourcePartition = partition;
        event.sourceOffset = offset;
        return event;
    }

    /** Decodes into {@link #chars} (flipped, ready to read), strictly: any malformed byte rejects. */
    private void decodeUtf8(byte[] value) throws Rejection {
        if (utf8Decoder == null) {
            utf8Decoder = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
        }
        // UTF-8 never decodes to more chars than it has bytes, so this buffer cannot overflow.
        if (chars == null || chars.capacity() < value.length) {
            chars = CharBuffer.allocate(Math.max(value.length, INITIAL_BUFFER_CHARS));
        }
        chars.clear();
        utf8Decoder.reset();
        ByteBuffer in = ByteBuffer.wrap(value);
        CoderResult result = utf8Decoder.decode(in, chars, true);
        if (!result.isError()) {
            result = utf8Decoder.flush(chars);
        }
        if (result.isError()) {
            throw new Rejection(
                    RejectReason.NOT_UTF8,
                    "message is not valid UTF-8: malformed byte sequence at byte " + in.position());
        }
        chars.flip();
    }

    /**
     * Reads the whole message before any field is judged, so syntax errors and duplicate keys win
     * over field errors wherever they sit in the message.
     */
    private Captured capture(char[] text, int start, int end) throws Rejection, IOException {
        try (JsonParser parser = jsonFactory().createParser(text, start, end - start)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new Rejection(
                        RejectReason.NOT_AN_OBJECT,
                        "top-level value is " + describeTopLevel(first) + ", not an object");
            }
            Captured fields = new Captured();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                SaleField field = SaleField.ofKey(parser.getCurrentName());
                JsonToken token = parser.nextToken();
                if (field == null) {
                    parser.skipChildren();
                } else {
                    fields.record(field, parser, token);
                }
            }
            rejectTrailingContent(
                    text, start + (int) parser.getCurrentLocation().getCharOffset(), end);
            return fields;
        } catch (JsonProcessingException e) {
            throw syntaxRejection(e);
        }
    }

    private static void rejectTrailingContent(char[] text, int from, int end) throws Rejection {
        for (int i = from; i < end; i++) {
            if (!isJsonWhitespace(text[i])) {
                throw new Rejection(
                        RejectReason.NOT_JSON,
                        "not valid JSON: trailing content after the top-level object, at character " + (i + 1) + ": "
                                + quote(new String(text, i, Math.min(end - i, MAX_VALUE_IN_DETAIL))));
            }
        }
    }

    private static Rejection syntaxRejection(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message != null && message.startsWith("Duplicate field '")) {
            String name = message.substring("Duplicate field '".length(), message.length() - 1);
            return new Rejection(RejectReason.DUPLICATE_FIELD, "field '" + name + "' appears more than once");
        }
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return new Rejection(RejectReason.NOT_JSON, "not valid JSON" + where + ": " + message);
    }

    private String text(Captured fields, SaleField field) throws Rejection {
        Kind kind = present(fields, field);
        if (kind != Kind.STRING) {
            throw fieldRejection(RejectReason.WRONG_TYPE, fields, field, "expected a string");
        }
        String value = fields.text(field);
        if (value.isBlank()) {
            throw fieldRejection(RejectReason.EMPTY_FIELD, fields, field, "empty or whitespace only");
        }
        int codePoints = 0;
        for (int i = 0; i < value.length(); i++, codePoints++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)
                    && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw fieldRejection(
                        RejectReason.INVALID_TEXT,
                        fields,
                        field,
                        "unpaired UTF-16 surrogate at character " + (i + 1) + ", which has no UTF-8 form");
            }
        }
        if (codePoints > limits.maxFieldChars()) {
            throw fieldRejection(
                    RejectReason.FIELD_TOO_LONG,
                    fields,
                    field,
                    codePoints + " characters, over the limit of " + limits.maxFieldChars());
        }
        return value;
    }

    private int itemSold(Captured fields) throws Rejection {
        long value = integer(fields, SaleField.ITEM_SOLD);
        if (value < 0) {
            throw fieldRejection(RejectReason.NEGATIVE_QUANTITY, fields, SaleField.ITEM_SOLD, "negative");
        }
        if (value > limits.maxItemSold()) {
            throw fieldRejection(
                    RejectReason.ABSURD_QUANTITY,
                    fields,
                    SaleField.ITEM_SOLD,
                    "above the maximum of " + limits.maxItemSold());
        }
        return (int) value;
    }

    private long timestampMs(Captured fields) throws Rejection {
        long value = integer(fields, SaleField.TIMESTAMP_MS);
        if (value < limits.minTimestampMs() || value >= limits.maxTimestampMs()) {
            throw fieldRejection(
                    RejectReason.TIMESTAMP_OUT_OF_RANGE,
                    fields,
                    SaleField.TIMESTAMP_MS,
                    "outside [" + Instant.ofEpochMilli(limits.minTimestampMs()) + ", "
                            + Instant.ofEpochMilli(limits.maxTimestampMs()) + ")");
        }
        return value;
    }

    /** The field's integral value; beyond the long range, clamped to {@code Long.MIN/MAX_VALUE}. */
    private static long integer(Captured fields, SaleField field) throws Rejection {
        Kind kind = present(fields, field);
        switch (kind) {
            case INT:
            case FLOAT:
            case STRING:
                break;
            case NON_FINITE:
                throw fieldRejection(RejectReason.WRONG_TYPE, fields, field, "not a finite number");
            default:
                throw fieldRejection(
                        RejectReason.WRONG_TYPE,
                        fields,
                        field,
                        "expected an integer (a JSON number or a numeric string)");
        }
        String text = kind == Kind.STRING ? fields.text(field).strip() : fields.text(field);
        if (isPlainInteger(text)) {
            return parsePlainInteger(text);
        }
        if (kind == Kind.FLOAT) {
            BigDecimal exponentForm = exponentIntegral(text);
            if (exponentForm != null) {
                return exponentForm.compareTo(LONG_MAX) > 0
                        ? Long.MAX_VALUE
                        : exponentForm.compareTo(LONG_MIN) < 0 ? Long.MIN_VALUE : exponentForm.longValueExact();
            }
        }
        throw fieldRejection(RejectReason.WRONG_TYPE, fields, field, "not an integer");
    }

    /** Whether the text is {@code [+-]?[0-9]+(\.0+)?}: every integer a producer writes without an exponent. */
    private static boolean isPlainInteger(String text) {
        int n = text.length();
        int i = n > 0 && (text.charAt(0) == '-' || text.charAt(0) == '+') ? 1 : 0;
        int digitsStart = i;
        while (i < n && isAsciiDigit(text.charAt(i))) {
            i++;
        }
        if (i == digitsStart) {
            return false;
        }
        if (i < n && text.charAt(i) == '.') {
            int fractionStart = ++i;
            while (i < n && text.charAt(i) == '0') {
                i++;
            }
            if (i == fractionStart) {
                return false;
            }
        }
        return i == n;
    }

    /** Parses text accepted by {@link #isPlainInteger}, clamping to the long range, without allocating. */
    private static long parsePlainInteger(String text) {
        boolean negative = text.charAt(0) == '-';
        int i = negative || text.charAt(0) == '+' ? 1 : 0;
        // Accumulated negatively, like Long.parseLong, so that Long.MIN_VALUE itself is exact.
        long accumulated = 0;
        for (; i < text.length() && isAsciiDigit(text.charAt(i)); i++) {
            int digit = text.charAt(i) - '0';
            accumulated = accumulated < (Long.MIN_VALUE + digit) / 10 ? Long.MIN_VALUE : accumulated * 10 - digit;
        }
        if (negative) {
            return accumulated;
        }
        return accumulated == Long.MIN_VALUE ? Long.MAX_VALUE : -accumulated;
    }

    /** The value of a JSON number with an exponent if it is integral, else null. */
    private static BigDecimal exponentIntegral(String jsonNumber) {
        BigDecimal value;
        try {
            value = new BigDecimal(jsonNumber);
        } catch (NumberFormatException exponentBeyondIntRange) {
            return null;
        }
        // Cheap for huge exponents: BigDecimal keeps them as a scale, and compareTo checks magnitudes first.
        if (value.scale() > 0 && value.stripTrailingZeros().scale() > 0) {
            return null;
        }
        return value;
    }

    private static Kind present(Captured fields, SaleField field) throws Rejection {
        Kind kind = fields.kind(field);
        if (kind == null) {
            throw new Rejection(RejectReason.MISSING_FIELD, "field '" + field.key() + "' is missing");
        }
        if (kind == Kind.NULL) {
            throw new Rejection(RejectReason.NULL_FIELD, "field '" + field.key() + "' is null");
        }
        return kind;
    }

    private static Rejection fieldRejection(RejectReason reason, Captured fields, SaleField field, String problem) {
        return new Rejection(reason, "field '" + field.key() + "' is " + fields.describe(field) + ": " + problem);
    }

    private JsonFactory jsonFactory() {
        if (jsonFactory == null) {
            jsonFactory = new JsonFactoryBuilder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    // Parsed as tokens so NaN/Infinity in a known field is reported as a wrong type, not as broken
                    // JSON.
                    .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    // Keeps payload excerpts out of error messages; the dead letter carries the payload anyway.
                    .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                    // Producer-chosen unknown keys must not grow the JVM's string pool.
                    .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                    .build();
        }
        return jsonFactory;
    }

    private static String describeTopLevel(JsonToken token) {
        if (token == null) {
            return "missing";
        }
        switch (token) {
            case START_ARRAY:
                return "an array";
            case VALUE_STRING:
                return "a string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "a number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "a boolean";
            case VALUE_NULL:
                return "null";
            default:
                return token.toString();
        }
    }

    private static boolean isBlank(char[] text, int start, int end) {
        for (int i = start; i < end; i++) {
            if (!Character.isWhitespace(text[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean isJsonWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** JSON-style quoting for details, cut to a readable length. */
    private static String quote(String value) {
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_VALUE_IN_DETAIL) + 8).append('"');
        int shown = Math.min(value.length(), MAX_VALUE_IN_DETAIL);
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
        if (value.length() > shown) {
            out.append("... (").append(value.length()).append(" chars)");
        }
        return out.toString();
    }

    /** The JSON shape of a captured value; {@code NON_FINITE} is NaN or an infinity. */
    private enum Kind {
        STRING,
        INT,
        FLOAT,
        NON_FINITE,
        BOOLEAN,
        NULL,
        OBJECT,
        ARRAY
    }

    /** Known fields as found in the message, not yet validated. */
    private static final class Captured {
        private final Kind[] kinds = new Kind[SaleField.values().length];
        private final String[] texts = new String[SaleField.values().length];

        void record(SaleField field, JsonParser parser, JsonToken token) throws IOException {
            Kind kind;
            switch (token) {
                case VALUE_STRING:
                    kind = Kind.STRING;
                    break;
                case VALUE_NUMBER_INT:
                    kind = Kind.INT;
                    break;
                case VALUE_NUMBER_FLOAT:
                    kind = parser.isNaN() ? Kind.NON_FINITE : Kind.FLOAT;
                    break;
                case VALUE_TRUE:
                case VALUE_FALSE:
                    kind = Kind.BOOLEAN;
                    break;
                case VALUE_NULL:
                    kind = Kind.NULL;
                    break;
                case START_OBJECT:
                    kind = Kind.OBJECT;
                    break;
                case START_ARRAY:
                    kind = Kind.ARRAY;
                    break;
                default:
                    throw new IllegalStateException("unexpected token for a field value: " + token);
            }
            kinds[field.ordinal()] = kind;
            if (kind == Kind.OBJECT || kind == Kind.ARRAY) {
                parser.skipChildren();
            } else {
                texts[field.ordinal()] = parser.getText();
            }
        }

        Kind kind(SaleField field) {
            return kinds[field.ordinal()];
        }

        String text(SaleField field) {
            return texts[field.ordinal()];
        }

        /** The value as it appeared in the message, shortened, for details. */
        String describe(SaleField field) {
            String text = text(field);
            switch (kind(field)) {
                case STRING:
                    return quote(text);
                case OBJECT:
                    return "an object";
                case ARRAY:
                    return "an array";
                default:
                    return text.length() <= MAX_VALUE_IN_DETAIL
                            ? text
                            : text.substring(0, MAX_VALUE_IN_DETAIL) + "... (" + text.length() + " chars)";
            }
        }
    }
}
