package io.salespipeline.job.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.salespipeline.job.records.SaleEvent;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

public class SaleEventParserTest {

    private static final String EXAMPLE = "{\"item_id\": \"plates-235\", \"item_sold\": 23, \"item_name\": \"Plates\", "
            + "\"timestamp_ms\": \"1530305100936\", \"store_id\": \"Hermitage - 1\"}";
    private static final String TOPIC = "item_sales";

    private final SaleEventParser parser = new SaleEventParser();

    @Test
    void parsesTheProducersExample() {
        ParseResult<SaleEvent> result = parse(EXAMPLE);

        assertThat(result.isValid()).as("%s", result).isTrue();
        assertThat(result.reason()).isNull();
        assertThat(result.detail()).isNull();
        assertThat(result.value())
                .isEqualTo(new SaleEvent("plates-235", "Plates", "Hermitage - 1", 23, 1530305100936L, TOPIC, 3, 42L));
        assertThat(result.value().timestampDate()).isEqualTo(LocalDate.of(2018, 6, 29));
        assertThat(result.value().eventId()).isEqualTo("3-42");
    }

    @Test
    void acceptsNumbersAsStringsAndStringsAsNumbersAlike() {
        SaleEvent fromStrings = validEvent(message(Map.of("item_sold", "\"23\"", "timestamp_ms", "\"1530305100936\"")));
        SaleEvent fromNumbers = validEvent(message(Map.of("item_sold", "23", "timestamp_ms", "1530305100936")));

        assertThat(fromStrings).isEqualTo(fromNumbers);
        assertThat(fromStrings.itemSold).isEqualTo(23);
        assertThat(fromStrings.timestampMs).isEqualTo(1530305100936L);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "23",
                "\"23\"",
                "\" 23 \"",
                "\"\\t23\\n\"",
                "\"+23\"",
                "\"0023\"",
                "23.0",
                "23.000",
                "2.3e1",
                "2.30E+1",
                "230e-1",
                "\"23.0\"",
                "\" 23.00 \""
            })
    void acceptsEveryDocumentedSpellingOfAnInteger(String itemSold) {
        assertThat(validEvent(message(Map.of("item_sold", itemSold))).itemSold).isEqualTo(23);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "\"0\"", "-0", "\"-0\"", "0.0", "0e5"})
    void acceptsZeroItemsSold(String itemSold) {
        assertThat(validEvent(message(Map.of("item_sold", itemSold))).itemSold).isZero();
    }

    @Test
    void acceptsTimestampsFromTheFirstToTheLastMillisecondOfTheRange() {
        ParserLimits limits = ParserLimits.defaults();

        assertThat(validEvent(message(Map.of("timestamp_ms", Long.toString(limits.minTimestampMs())))).timestampMs)
                .isEqualTo(946684800000L);
        assertThat(validEvent(message(Map.of("timestamp_ms", Long.toString(limits.maxTimestampMs() - 1)))).timestampMs)
                .isEqualTo(4102444799999L);
    }

    @Test
    void acceptsQuantityAtTheConfiguredMaximum() {
        assertThat(validEvent(message(Map.of("item_sold", "1000000"))).itemSold).isEqualTo(1_000_000);
    }

    @Test
    void ignoresUnknownFieldsWhateverTheyHold() {
        String withExtras = "{\"extra\": {\"a\": [1, {\"b\": null}], \"c\": \"d\"}, \"timestamp_dt\": \"2018-06-29\", "
                + "\"n\": null, \"f\": 1.5e300, \"nan\": NaN, \"list\": [[[]]], " + EXAMPLE.substring(1);

        assertThat(validEvent(withExtras)).isEqualTo(validEvent(EXAMPLE));
    }

    @Test
    void fieldOrderDoesNotMatter() {
        String reordered =
                "{\"store_id\": \"Hermitage - 1\", \"timestamp_ms\": 1530305100936, \"item_name\": \"Plates\", "
                        + "\"item_sold\": \"23\", \"item_id\": \"plates-235\"}";

        assertThat(validEvent(reordered)).isEqualTo(validEvent(EXAMPLE));
    }

    @Test
    void keepsTextExactlyAsSentIncludingUnicodeAndSurroundingSpaces() {
        SaleEvent event = validEvent(message(Map.of(
                "item_id", "\" plates-235 \"", "item_name", "\"Caf\u00e9 \\u2615 \ud83c\udf7d\ufe0f \\\"fine\\\"\"")));

        assertThat(event.itemId).isEqualTo(" plates-235 ");
        assertThat(event.itemName).isEqualTo("Caf\u00e9 \u2615 \ud83c\udf7d\ufe0f \"fine\"");
    }

    @Test
    void countsFieldLengthInCodePointsNotUtf16Units() {
        String twoHundredFiftySixEmoji = "\ud83c\udf7d".repeat(256);

        assertThat(validEvent(message(Map.of("item_name", "\"" + twoHundredFiftySixEmoji + "\""))).itemName)
                .isEqualTo(twoHundredFiftySixEmoji);
        assertThat(parse(message(Map.of("item_name", "\"" + twoHundredFiftySixEmoji + "x\"")))
                        .reason())
                .isEqualTo(RejectReason.FIELD_TOO_LONG);
    }

    @Test
    void toleratesByteOrderMarkAndSurroundingWhitespace() {
        assertThat(validEvent("\ufeff" + EXAMPLE)).isEqualTo(validEvent(EXAMPLE));
        assertThat(validEvent(" \r\n\t" + EXAMPLE + "\n\n ")).isEqualTo(validEvent(EXAMPLE));
    }

    @Test
    void reportsTrailingContentPositionAfterAByteOrderMark() {
        ParseResult<SaleEvent> result = parse("\ufeff" + EXAMPLE + " x");

        assertThat(result.reason()).isEqualTo(RejectReason.NOT_JSON);
        assertThat(result.detail())
                .isEqualTo("not valid JSON: trailing content after the top-level object, at character "
                        + (EXAMPLE.length() + 3) + ": \"x\"");
    }

    @Test
    void explainsRejectionsWithFieldValueAndProblem() {
        assertThat(parse(message(Map.of("item_sold", "\"abc\""))).detail())
                .isEqualTo("field 'item_sold' is \"abc\": not an integer");
        assertThat(parse(message(Map.of("item_sold", "NaN"))).detail())
                .isEqualTo("field 'item_sold' is NaN: not a finite number");
        assertThat(parse(message(Map.of("item_sold", "-4"))).detail()).isEqualTo("field 'item_sold' is -4: negative");
        assertThat(parse(message(Map.of("item_sold", "1000001"))).detail())
                .isEqualTo("field 'item_sold' is 1000001: above the maximum of 1000000");
        assertThat(parse(message(Map.of("item_id", "[\"a\"]"))).detail())
                .isEqualTo("field 'item_id' is an array: expected a string");
        assertThat(parse(message(Map.of("store_id", "\"  \""))).detail())
                .isEqualTo("field 'store_id' is \"  \": empty or whitespace only");
        assertThat(parse(message(Map.of("timestamp_ms", "946684799999"))).detail())
                .isEqualTo(
                        "field 'timestamp_ms' is 946684799999: outside [2000-01-01T00:00:00Z, 2100-01-01T00:00:00Z)");
        assertThat(parse(message(Map.of("item_id", "null"))).detail()).isEqualTo("field 'item_id' is null");
        assertThat(parse("{\"item_id\": \"a\", " + EXAMPLE.substring(1)).detail())
                .isEqualTo("field 'item_id' appears more than once");
        assertThat(parse("[1]").detail()).isEqualTo("top-level value is an array, not an object");
    }

    @Test
    void shortensLongValuesInDetails() {
        String detail = parse(message(Map.of("item_name", "\"" + "n".repeat(300) + "\"")))
                .detail();

        assertThat(detail)
                .isEqualTo("field 'item_name' is \"" + "n".repeat(40)
                        + "\"... (300 chars): 300 characters, over the limit of 256");
    }

    @Test
    void reportsTheFirstFaultInFixedFieldOrderWhateverTheKeyOrder() {
        String storeFirst = "{\"store_id\": \"\", \"item_sold\": -1, \"item_name\": \"Plates\", \"timestamp_ms\": 1}";
        String soldFirst = "{\"item_sold\": -1, \"timestamp_ms\": 1, \"store_id\": \"\", \"item_name\": \"Plates\"}";

        for (String message : new String[] {storeFirst, soldFirst}) {
            ParseResult<SaleEvent> result = parse(message);
            assertThat(result.reason()).as(message).isEqualTo(RejectReason.MISSING_FIELD);
            assertThat(result.detail()).as(message).isEqualTo("field 'item_id' is missing");
        }
    }

    @Test
    void syntaxErrorsWinOverFieldErrorsEarlierInTheMessage() {
        assertThat(parse("{\"item_id\": 5, \"item_sold\": \"abc\", ").reason()).isEqualTo(RejectReason.NOT_JSON);
        assertThat(parse("{\"item_id\": 5, \"x\": 1, \"x\": 2}").reason()).isEqualTo(RejectReason.DUPLICATE_FIELD);
    }

    @Test
    void respectsConfiguredLimits() {
        SaleEventParser strict = new SaleEventParser(ParserLimits.defaults()
                .withMaxItemSold(10)
                .withMaxFieldChars(5)
                .withTimestampRange(1_000L, 2_000L)
                .withMaxMessageBytes(200));
        String fits = "{\"item_id\": \"a\", \"store_id\": \"s\", \"item_name\": \"n\", \"item_sold\": 10, "
                + "\"timestamp_ms\": 1999}";

        assertThat(strict.parse(bytes(fits), TOPIC, 0, 0).isValid()).isTrue();
        assertThat(strict.parse(bytes(fits.replace("10,", "11,")), TOPIC, 0, 0).reason())
                .isEqualTo(RejectReason.ABSURD_QUANTITY);
        assertThat(strict.parse(bytes(fits.replace("1999", "2000")), TOPIC, 0, 0)
                        .reason())
                .isEqualTo(RejectReason.TIMESTAMP_OUT_OF_RANGE);
        assertThat(strict.parse(bytes(fits.replace("\"n\"", "\"nnnnnn\"")), TOPIC, 0, 0)
                        .reason())
                .isEqualTo(RejectReason.FIELD_TOO_LONG);
        assertThat(strict.parse(bytes(fits + " ".repeat(200 - fits.length() + 1)), TOPIC, 0, 0)
                        .reason())
                .isEqualTo(RejectReason.OVERSIZE);
    }

    @Test
    void acceptsAMessageOfExactlyTheMaximumSize() {
        String padded = message(Map.of("pad", "\"\""));
        String exact = padded.replace("\"pad\": \"\"", "\"pad\": \"" + "p".repeat(65_536 - padded.length()) + "\"");

        assertThat(bytes(exact)).hasSize(65_536);
        assertThat(parse(exact).isValid()).isTrue();
    }

    @Test
    void survivesDeepNestingWithoutBlowingTheStack() {
        SaleEventParser roomy = new SaleEventParser(ParserLimits.defaults().withMaxMessageBytes(8 << 20));
        int depth = 200_000;
        String balanced = "{\"junk\": " + "[".repeat(depth) + "]".repeat(depth) + ", " + EXAMPLE.substring(1);
        String unbalanced = "{\"junk\": " + "[{\"a\":".repeat(depth);
        String inKnownField = message(Map.of("item_id", "[".repeat(depth) + "]".repeat(depth)));

        assertThat(roomy.parse(bytes(balanced), TOPIC, 0, 0).isValid()).isTrue();
        assertThat(roomy.parse(bytes(unbalanced), TOPIC, 0, 0).reason()).isEqualTo(RejectReason.NOT_JSON);
        assertThat(roomy.parse(bytes(inKnownField), TOPIC, 0, 0).reason()).isEqualTo(RejectReason.WRONG_TYPE);
    }

    @Test
    void reusedBuffersDoNotLeakIntoTheNextMessage() {
        assertThat(parse(message(Map.of("pad", "\"" + "p".repeat(10_000) + "\"")))
                        .isValid())
                .isTrue();

        ParseResult<SaleEvent> shorter = parse("{\"item_id\": \"x\"");
        assertThat(shorter.reason()).isEqualTo(RejectReason.NOT_JSON);
        assertThat(parse(EXAMPLE).value()).isEqualTo(validEvent(EXAMPLE));
    }

    @Test
    void worksAfterJavaSerializationAsFlinkShipsIt() throws Exception {
        SaleEventParser limited = new SaleEventParser(ParserLimits.defaults().withMaxItemSold(5));
        limited.parse(bytes(EXAMPLE), TOPIC, 0, 0);

        SaleEventParser copy = InstantiationUtil.clone(limited);

        assertThat(copy.limits()).isEqualTo(limited.limits());
        assertThat(copy.parse(bytes(EXAMPLE), TOPIC, 0, 0).reason()).isEqualTo(RejectReason.ABSURD_QUANTITY);
        assertThat(copy.parse(bytes(message(Map.of("item_sold", "5"))), TOPIC, 0, 0)
                        .isValid())
                .isTrue();
    }

    @Test
    void neverThrowsOnMutatedOrRandomInput() {
        Random random = new Random(20180629L);
        byte[] example = bytes(EXAMPLE);
        int rejected = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] input;
            if (i % 2 == 0) {
                input = example.clone();
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    input[random.nextInt(input.length)] = (byte) random.nextInt(256);
                }
            } else {
                input = new byte[random.nextInt(64)];
                random.nextBytes(input);
            }
            ParseResult<SaleEvent> result = parser.parse(input, TOPIC, 0, i);
            assertThat(result).isNotNull();
            if (!result.isValid()) {
                rejected++;
                assertThat(result.reason()).isNotNull();
                assertThat(result.detail()).isNotBlank();
                assertThat(result.detail()).as("%s", result).doesNotStartWith("unexpected");
            }
        }
        assertThat(rejected).isGreaterThan(10_000);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejectsMalformedInput(byte[] value, RejectReason expected, String field) {
        ParseResult<SaleEvent> result = parser.parse(value, TOPIC, 3, 42L);

        assertThat(result.isValid()).as("%s", result).isFalse();
        assertThat(result.value()).isNull();
        assertThat(result.reason()).as("%s", result).isEqualTo(expected);
        assertThat(result.detail()).isNotBlank();
        if (field != null) {
            assertThat(result.detail()).startsWith("field '" + field + "' ");
        }
    }

    public static Stream<Arguments> malformed() {
        return Stream.of(
                // Message level
                rejects("null value (tombstone)", (byte[]) null, RejectReason.EMPTY_MESSAGE),
                rejects("empty value", "", RejectReason.EMPTY_MESSAGE),
                rejects("whitespace only", " \r\n\t ", RejectReason.EMPTY_MESSAGE),
                rejects("byte order mark only", "\ufeff  ", RejectReason.EMPTY_MESSAGE),
                rejects(
                        "over the max size",
                        message(Map.of("pad", "\"" + "p".repeat(65_536) + "\"")),
                        RejectReason.OVERSIZE),
                rejects(
                        "invalid UTF-8 continuation",
                        withBytes(EXAMPLE, "Plates", new byte[] {(byte) 0xC3, 0x28}),
                        RejectReason.NOT_UTF8),
                rejects(
                        "lone 0xFF byte",
                        withBytes(EXAMPLE, "Plates", new byte[] {(byte) 0xFF}),
                        RejectReason.NOT_UTF8),
                rejects(
                        "overlong UTF-8 encoding",
                        withBytes(EXAMPLE, "Plates", new byte[] {(byte) 0xC0, (byte) 0xAF}),
                        RejectReason.NOT_UTF8),
                rejects(
                        "UTF-8 encoded surrogate",
                        withBytes(EXAMPLE, "Plates", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}),
                        RejectReason.NOT_UTF8),
                rejects(
                        "truncated multi-byte sequence at the end",
                        concat(bytes(EXAMPLE), new byte[] {(byte) 0xE2, (byte) 0x82}),
                        RejectReason.NOT_UTF8),
                rejects(
                        "latin-1 instead of UTF-8",
                        EXAMPLE.replace("Plates", "Caf\u00e9").getBytes(StandardCharsets.ISO_8859_1),
                        RejectReason.NOT_UTF8),
                // Syntax
                rejects("not JSON at all", "hello world", RejectReason.NOT_JSON),
                rejects("truncated JSON", EXAMPLE.substring(0, EXAMPLE.length() - 20), RejectReason.NOT_JSON),
                rejects("truncated inside a string", "{\"item_id\": \"pla", RejectReason.NOT_JSON),
                rejects("trailing garbage", EXAMPLE + " garbage", RejectReason.NOT_JSON),
                rejects("two objects in one message", EXAMPLE + EXAMPLE, RejectReason.NOT_JSON),
                rejects("trailing comma", EXAMPLE.replace("}", ",}"), RejectReason.NOT_JSON),
                rejects("single quotes", EXAMPLE.replace('"', '\''), RejectReason.NOT_JSON),
                rejects("comment", "/* c */" + EXAMPLE, RejectReason.NOT_JSON),
                rejects("number with leading zero", message(Map.of("item_sold", "023")), RejectReason.NOT_JSON),
                rejects(
                        "raw control character in a string",
                        message(Map.of("item_name", "\"Pla\u0001tes\"")),
                        RejectReason.NOT_JSON),
                rejects("deeply nested unterminated junk", "{\"x\": " + "[".repeat(30_000), RejectReason.NOT_JSON),
                // Not an object
                rejects("top-level array", "[1, 2, 3]", RejectReason.NOT_AN_OBJECT),
                rejects("the event wrapped in an array", "[" + EXAMPLE + "]", RejectReason.NOT_AN_OBJECT),
                rejects("top-level string", "\"" + EXAMPLE.replace("\"", "\\\"") + "\"", RejectReason.NOT_AN_OBJECT),
                rejects("top-level number", "42", RejectReason.NOT_AN_OBJECT),
                rejects("top-level null", "null", RejectReason.NOT_AN_OBJECT),
                rejects("top-level true", "true", RejectReason.NOT_AN_OBJECT),
                rejects("top-level NaN", "NaN", RejectReason.NOT_AN_OBJECT),
                // Duplicates
                rejects(
                        "duplicate item_id",
                        "{\"item_id\": \"a\", " + EXAMPLE.substring(1),
                        RejectReason.DUPLICATE_FIELD,
                        "item_id"),
                rejects(
                        "duplicate unknown key",
                        "{\"x\": 1, \"x\": 1, " + EXAMPLE.substring(1),
                        RejectReason.DUPLICATE_FIELD,
                        "x"),
                rejects(
                        "duplicate key in nested junk",
                        "{\"x\": {\"y\": 1, \"y\": 2}, " + EXAMPLE.substring(1),
                        RejectReason.DUPLICATE_FIELD,
                        "y"),
                // Missing and null
                missing("item_id"),
                missing("item_name"),
                missing("store_id"),
                missing("item_sold"),
                missing("timestamp_ms"),
                rejects("empty object", "{}", RejectReason.MISSING_FIELD, "item_id"),
                rejectsField("item_id", "null", RejectReason.NULL_FIELD),
                rejectsField("item_sold", "null", RejectReason.NULL_FIELD),
                rejectsField("timestamp_ms", "null", RejectReason.NULL_FIELD),
                // Wrong types: text fields
                rejectsField("item_id", "235", RejectReason.WRONG_TYPE),
                rejectsField("item_id", "{\"a\": \"b\"}", RejectReason.WRONG_TYPE),
                rejectsField("item_id", "[\"plates-235\"]", RejectReason.WRONG_TYPE),
                rejectsField("item_id", "true", RejectReason.WRONG_TYPE),
                rejectsField("store_id", "{\"deep\": [[[{\"x\": [1]}]]]}", RejectReason.WRONG_TYPE),
                rejectsField("item_name", "1.5", RejectReason.WRONG_TYPE),
                // Wrong types: numbers
                rejectsField("item_sold", "\"abc\"", RejectReason.WRONG_TYPE),
                rejectsField("item_sold", "\"23abc\"", RejectReason.WRONG_TYPE),
                rejectsField("item_sold", "\"2 3\"", RejectReason.WRONG_TYPE),
                rejectsField("item_sold", "\"\"", RejectReason.WRONG_TYPE),
                rejectsField("item_sold", "\"0x17\"", RejectReason.WRONG_TYPE),
                rejectsField("item_sold", "\"\u0662\u0663\"", RejectReason.WRONG_TYPE),
                rejectsField("item_sold", "23.5", RejectReason.WRONG_TYPE),
                rejectsField("item_sold", "\"23.5\"", RejectReason.WRONG_TYPE),
                rejectsField("item_sold", "\"23.\"", RejectReason.WRONG_TYPE),
                rejectsField("item_sold", "\"2.3e1\"", RejectReason.WRONG_TYPE),
                rejectsField("item_sold", "1e-400", RejectReason.WRONG_TYPE),
                rejectsField("item_sold", "{\"value\": 23}", RejectReason.WRONG_TYPE),
                rejectsField("item_sold", "[23]", RejectReason.WRONG_TYPE),
                rejectsField("item_sold", "false", RejectReason.WRONG_TYPE),
                rejectsField("item_sold", "NaN", RejectReason.WRONG_TYPE),
                rejectsField("item_sold", "\"NaN\"", RejectReason.WRONG_TYPE),
                rejectsField("item_sold", "Infinity", RejectReason.WRONG_TYPE),
                rejectsField("item_sold", "-Infinity", RejectReason.WRONG_TYPE),
                rejectsField("item_sold", "\"Infinity\"", RejectReason.WRONG_TYPE),
                rejectsField("timestamp_ms", "\"2018-06-29T20:45:00Z\"", RejectReason.WRONG_TYPE),
                rejectsField("timestamp_ms", "1530305100936.5", RejectReason.WRONG_TYPE),
                rejectsField("timestamp_ms", "\"1530305100936ms\"", RejectReason.WRONG_TYPE),
                rejectsField("timestamp_ms", "true", RejectReason.WRONG_TYPE),
                // Text content
                rejectsField("item_id", "\"\"", RejectReason.EMPTY_FIELD),
                rejectsField("item_id", "\"   \"", RejectReason.EMPTY_FIELD),
                rejectsField("store_id", "\"\"", RejectReason.EMPTY_FIELD),
                rejectsField("store_id", "\" \\t\\n \"", RejectReason.EMPTY_FIELD),
                rejectsField("item_name", "\"\"", RejectReason.EMPTY_FIELD),
                rejectsField("item_id", "\"" + "i".repeat(257) + "\"", RejectReason.FIELD_TOO_LONG),
                rejectsField("store_id", "\"" + "s".repeat(1_000) + "\"", RejectReason.FIELD_TOO_LONG),
                rejectsField("item_name", "\"" + "\u00e9".repeat(257) + "\"", RejectReason.FIELD_TOO_LONG),
                rejectsField("item_id", "\"plates-\\ud800\"", RejectReason.INVALID_TEXT),
                rejectsField("item_name", "\"\\udc00Plates\"", RejectReason.INVALID_TEXT),
                // Quantities
                rejectsField("item_sold", "-1", RejectReason.NEGATIVE_QUANTITY),
                rejectsField("item_sold", "\"-1\"", RejectReason.NEGATIVE_QUANTITY),
                rejectsField("item_sold", "-99999999999999999999", RejectReason.NEGATIVE_QUANTITY),
                rejectsField("item_sold", "-1e30", RejectReason.NEGATIVE_QUANTITY),
                rejectsField("item_sold", "1000001", RejectReason.ABSURD_QUANTITY),
                rejectsField("item_sold", "2147483648", RejectReason.ABSURD_QUANTITY),
                rejectsField("item_sold", "9223372036854775808", RejectReason.ABSURD_QUANTITY),
                rejectsField("item_sold", "99999999999999999999", RejectReason.ABSURD_QUANTITY),
                rejectsField("item_sold", "\"99999999999999999999\"", RejectReason.ABSURD_QUANTITY),
                rejectsField("item_sold", "1e30", RejectReason.ABSURD_QUANTITY),
                rejectsField("item_sold", "1e999999999", RejectReason.ABSURD_QUANTITY),
                // Timestamps
                rejectsField("timestamp_ms", "946684799999", RejectReason.TIMESTAMP_OUT_OF_RANGE),
                rejectsField("timestamp_ms", "\"946684799999\"", RejectReason.TIMESTAMP_OUT_OF_RANGE),
                rejectsField("timestamp_ms", "4102444800000", RejectReason.TIMESTAMP_OUT_OF_RANGE),
                rejectsField("timestamp_ms", "0", RejectReason.TIMESTAMP_OUT_OF_RANGE),
                rejectsField("timestamp_ms", "-1530305100936", RejectReason.TIMESTAMP_OUT_OF_RANGE),
                rejectsField("timestamp_ms", "1530305100", RejectReason.TIMESTAMP_OUT_OF_RANGE),
                rejectsField("timestamp_ms", "1530305100936000", RejectReason.TIMESTAMP_OUT_OF_RANGE),
                rejectsField("timestamp_ms", "99999999999999999999", RejectReason.TIMESTAMP_OUT_OF_RANGE),
                rejectsField("timestamp_ms", "-99999999999999999999", RejectReason.TIMESTAMP_OUT_OF_RANGE));
    }

    private static Arguments rejects(String label, String value, RejectReason reason) {
        return rejects(label, bytes(value), reason, null);
    }

    private static Arguments rejects(String label, String value, RejectReason reason, String field) {
        return rejects(label, bytes(value), reason, field);
    }

    private static Arguments rejects(String label, byte[] value, RejectReason reason) {
        return rejects(label, value, reason, null);
    }

    private static Arguments rejects(String label, byte[] value, RejectReason reason, String field) {
        return arguments(named(label, value), reason, field);
    }

    private static Arguments rejectsField(String field, String rawJsonValue, RejectReason reason) {
        String shown = rawJsonValue.length() > 40 ? rawJsonValue.substring(0, 40) + "..." : rawJsonValue;
        return rejects(field + " = " + shown, message(Map.of(field, rawJsonValue)), reason, field);
    }

    private static Arguments missing(String field) {
        String without = EXAMPLE_FIELDS.entrySet().stream()
                .filter(e -> !e.getKey().equals(field))
                .map(e -> "\"" + e.getKey() + "\": " + e.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
        return rejects("missing " + field, without, RejectReason.MISSING_FIELD, field);
    }

    private static final Map<String, String> EXAMPLE_FIELDS = exampleFields();

    private static Map<String, String> exampleFields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("item_id", "\"plates-235\"");
        fields.put("item_sold", "23");
        fields.put("item_name", "\"Plates\"");
        fields.put("timestamp_ms", "\"1530305100936\"");
        fields.put("store_id", "\"Hermitage - 1\"");
        return fields;
    }

    /** The example with some fields' raw JSON replaced, or added when not in the example. */
    private static String message(Map<String, String> overrides) {
        Map<String, String> fields = new LinkedHashMap<>(EXAMPLE_FIELDS);
        fields.putAll(overrides);
        return fields.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\": " + e.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
    }

    private ParseResult<SaleEvent> parse(String message) {
        return parser.parse(bytes(message), TOPIC, 3, 42L);
    }

    private SaleEvent validEvent(String message) {
        ParseResult<SaleEvent> result = parse(message);
        assertThat(result.isValid()).as("%s for %s", result, message).isTrue();
        return result.value();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] withBytes(String message, String replaced, byte[] replacement) {
        int at = message.indexOf(replaced);
        return concat(
                concat(bytes(message.substring(0, at)), replacement), bytes(message.substring(at + replaced.length())));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = new byte[a.length + b.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
