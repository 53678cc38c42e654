package io.salespipeline.job.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.salespipeline.contract.ReferenceField;
import io.salespipeline.job.records.DeadLetter;
import io.salespipeline.job.records.ReferenceRecord;
import io.salespipeline.job.records.ReferenceVersion;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReferenceParserTest {

    private static final String ITEM =
            "{\"item_id\": \"plates-235\", \"category\": \"Tableware\", \"unit_price\": \"4.95\", \"currency\": \"EUR\","
                    + " \"effective_from\": 1530300000000}";
    private static final String ITEM_KEY = "plates-235@1530300000000";
    private static final String STORE = "{\"store_id\": \"Hermitage - 1\", \"region\": \"North-West\","
            + " \"city\": \"Saint Petersburg\", \"effective_from\": \"1530300000000\"}";

    private final ReferenceParser parser = new ReferenceParser(ParserLimits.defaults(), "EUR");

    private ParseResult<ReferenceVersion> item(String key, String value) {
        return parser.parse(ReferenceField.Kind.ITEM, bytes(key), bytes(value));
    }

    private static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsAnItemVersionWithItsPriceExactlyAsWritten() {
        ParseResult<ReferenceVersion> result = item(ITEM_KEY, ITEM);

        assertThat(result.isValid()).as(String.valueOf(result)).isTrue();
        assertThat(result.value())
                .isEqualTo(ReferenceVersion.item("plates-235", 1530300000000L, new BigDecimal("4.95"), "Tableware"));
        assertThat(item(ITEM_KEY, ITEM.replace("\"4.95\"", "4.950")).value().unitPrice)
                .as("a JSON number, never through a double")
                .isEqualTo(new BigDecimal("4.950"));
    }

    @Test
    void readsAStoreVersionWithANumericStringEffectiveFrom() {
        ParseResult<ReferenceVersion> result =
                parser.parse(ReferenceField.Kind.STORE, bytes("Hermitage - 1@1530300000000"), bytes(STORE));

        assertThat(result.value())
                .isEqualTo(ReferenceVersion.store("Hermitage - 1", 1530300000000L, "North-West", "Saint Petersburg"));
    }

    @Test
    void aDeletionNeedsOnlyItsIdAndEffectiveFromAndATombstoneItsKey() {
        assertThat(item(ITEM_KEY, "{\"item_id\": \"plates-235\", \"effective_from\": 1530300000000, \"deleted\": true}")
                        .value())
                .isEqualTo(ReferenceVersion.deleted(ReferenceField.Kind.ITEM, "plates-235", 1530300000000L));
        assertThat(item("a@b@1530300000000", null).value())
                .as("the id may contain the separator: the last one counts")
                .isEqualTo(ReferenceVersion.tombstone(ReferenceField.Kind.ITEM, "a@b", 1530300000000L));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "other key|plates-235@1530300000001|" + ITEM_KEY,
                "no key||",
                "tombstone key without time|plates-235|",
                "negative price|" + ITEM_KEY + "|\"-1.00\"",
                "price not a number|" + ITEM_KEY + "|\"4,95\"",
                "absurd price precision|" + ITEM_KEY + "|\"1.00000000000000000001\"",
                "other currency|" + ITEM_KEY + "|USD",
                "missing category|" + ITEM_KEY + "|",
                "effective_from with a fraction|" + ITEM_KEY + "|1.5",
                "not json|" + ITEM_KEY + "|{",
                "duplicate field|" + ITEM_KEY + "|dup",
                "deleted not a boolean|" + ITEM_KEY + "|\"yes\"",
            })
    void rejectsWithASpecificReason(String what, String key, String variant) {
        String value = ITEM;
        RejectReason expected;
        switch (what) {
            case "other key":
                expected = RejectReason.KEY_MISMATCH;
                break;
            case "no key":
                expected = RejectReason.KEY_MISMATCH;
                key = null;
                break;
            case "tombstone key without time":
                expected = RejectReason.KEY_MISMATCH;
                value = null;
                break;
            case "negative price":
            case "price not a number":
            case "absurd price precision":
                expected = RejectReason.INVALID_PRICE;
                value = ITEM.replace("\"4.95\"", variant);
                break;
            case "other currency":
                expected = RejectReason.WRONG_CURRENCY;
                value = ITEM.replace("EUR", variant);
                break;
            case "missing category":
                expected = RejectReason.MISSING_FIELD;
                value = ITEM.replace("\"category\": \"Tableware\", ", "");
                break;
            case "effective_from with a fraction":
                expected = RejectReason.WRONG_TYPE;
                value = ITEM.replace("1530300000000}", "1530300000000.5}");
                break;
            case "not json":
                expected = RejectReason.NOT_JSON;
                value = ITEM.substring(0, 20);
                break;
            case "duplicate field":
                expected = RejectReason.DUPLICATE_FIELD;
                value = ITEM.replace("{", "{\"item_id\": \"cups-1\", ");
                break;
            default:
                expected = RejectReason.WRONG_TYPE;
                value = ITEM.replace("}", ", \"deleted\": " + variant + "}");
        }

        ParseResult<ReferenceVersion> result = item(key, value);

        assertThat(result.isValid()).as(what).isFalse();
        assertThat(result.reason()).as(what + ": " + result.detail()).isEqualTo(expected);
        assertThat(result.detail()).isNotBlank();
    }

    @Test
    void theDeserializerTurnsEveryRecordIntoAVersionOrADeadLetterNamingItsReferenceTopic() {
        ReferenceRecordDeserializer deserializer = new ReferenceRecordDeserializer(
                parser, Map.of("item_catalog", ReferenceField.Kind.ITEM, "store_directory", ReferenceField.Kind.STORE));
        List<ReferenceRecord> out = new ArrayList<>();
        org.apache.flink.util.Collector<ReferenceRecord> collector = new org.apache.flink.util.Collector<>() {
            @Override
            public void collect(ReferenceRecord record) {
                out.add(record);
            }

            @Override
            public void close() {}
        };

        deserializer.deserialize(new ConsumerRecord<>("item_catalog", 0, 7L, bytes(ITEM_KEY), bytes(ITEM)), collector);
        deserializer.deserialize(
                new ConsumerRecord<>("store_directory", 0, 3L, bytes("x@1"), bytes("not json")), collector);

        assertThat(out.get(0).version.unitPrice).isEqualByComparingTo("4.95");
        DeadLetter letter = out.get(1).deadLetter;
        assertThat(letter.reason).isEqualTo(RejectReason.NOT_JSON.code());
        assertThat(letter.sourcePosition()).isEqualTo("store_directory/0/3");
        assertThat(letter.payloadText).isEqualTo("not json");
    }
}
