package io.salespipeline.job.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.salespipeline.job.records.DeadLetter;
import io.salespipeline.job.records.LateEvent;
import io.salespipeline.job.records.SaleEvent;
import io.salespipeline.job.records.SourceRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.Collector;
import org.apache.flink.util.InstantiationUtil;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class SaleRecordDeserializerTest {

    private static final String VALID = "{\"item_id\": \"plates-235\", \"item_sold\": 23, \"item_name\": \"Plates\", "
            + "\"timestamp_ms\": \"1530305100936\", \"store_id\": \"Hermitage - 1\"}";
    private static final long KAFKA_TIMESTAMP = 1530305101000L;

    @Test
    void emitsAValidEventWithItsLogPosition() throws Exception {
        List<SourceRecord> out = deserialize(new SaleRecordDeserializer(), record(7L, VALID));

        assertThat(out).hasSize(1);
        SourceRecord only = out.get(0);
        assertThat(only.isValid()).isTrue();
        assertThat(only.deadLetter).isNull();
        assertThat(only.event)
                .isEqualTo(new SaleEvent(
                        "plates-235", "Plates", "Hermitage - 1", 23, 1530305100936L, "item_sales", 2, 7L));
    }

    @Test
    void emitsADeadLetterWithReasonDetailSourceAndKafkaTimestamp() throws Exception {
        String bad = VALID.replace("23,", "\"abc\",");

        SourceRecord only = single(deserialize(new SaleRecordDeserializer(), record(8L, bad)));

        assertThat(only.isValid()).isFalse();
        assertThat(only.event).isNull();
        DeadLetter letter = only.deadLetter;
        assertThat(letter.reason).isEqualTo("WRONG_TYPE");
        assertThat(letter.detail).isEqualTo("field 'item_sold' is \"abc\": not an integer");
        assertThat(letter.sourceTopic).isEqualTo("item_sales");
        assertThat(letter.sourcePartition).isEqualTo(2);
        assertThat(letter.sourceOffset).isEqualTo(8L);
        assertThat(letter.kafkaTimestamp).isEqualTo(KAFKA_TIMESTAMP);
        assertThat(letter.payloadText).isEqualTo(bad);
        assertThat(letter.payloadBase64).isNull();
    }

    @Test
    void anEventStampedFurtherAheadOfItsRecordThanTheSkewIsADeadLetter() throws Exception {
        long limit = ParserLimits.DEFAULT_MAX_FUTURE_SKEW_MS;
        String atTheLimit = VALID.replace("1530305100936", Long.toString(KAFKA_TIMESTAMP + limit));
        String beyond = VALID.replace("1530305100936", Long.toString(KAFKA_TIMESTAMP + limit + 1));
        String aDayAhead = VALID.replace("1530305100936", Long.toString(KAFKA_TIMESTAMP + 86_400_000L));

        assertThat(single(deserialize(new SaleRecordDeserializer(), record(20L, atTheLimit)))
                        .isValid())
                .isTrue();
        DeadLetter letter = single(deserialize(new SaleRecordDeserializer(), record(21L, beyond))).deadLetter;
        assertThat(letter.reason).isEqualTo("TIMESTAMP_IN_FUTURE");
        assertThat(letter.detail)
                .isEqualTo("field 'timestamp_ms' is 1530306001001 (2018-06-29T21:00:01.001Z), 900001 ms ahead of "
                        + "its Kafka record timestamp " + "1530305101000 (2018-06-29T20:45:01Z); at most 900000 ms "
                        + "(parse.max-future-skew) is accepted");
        assertThat(letter.sourceOffset).isEqualTo(21L);
        assertThat(letter.payloadText).isEqualTo(beyond);
        assertThat(single(deserialize(
                                new SaleRecordDeserializer(
                                        ParserLimits.defaults().withMaxFutureSkewMs(86_400_000L)),
                                record(22L, aDayAhead)))
                        .isValid())
                .isTrue();
        // without a record timestamp there is nothing to judge against
        ConsumerRecord<byte[], byte[]> noTimestamp = new ConsumerRecord<>(
                "item_sales",
                0,
                23L,
                ConsumerRecord.NO_TIMESTAMP,
                TimestampType.NO_TIMESTAMP_TYPE,
                0,
                2,
                null,
                aDayAhead.getBytes(StandardCharsets.UTF_8),
                new RecordHeaders(),
                Optional.empty());
        assertThat(single(deserialize(new SaleRecordDeserializer(), noTimestamp))
                        .isValid())
                .isTrue();
    }

    @Test
    void keepsNonUtf8PayloadsAsBase64() throws Exception {
        byte[] value = {'{', (byte) 0xFF, '}'};

        DeadLetter letter = single(deserialize(new SaleRecordDeserializer(), record(9L, value))).deadLetter;

        assertThat(letter.reason).isEqualTo("NOT_UTF8");
        assertThat(letter.payloadText).isNull();
        assertThat(letter.payloadBytes()).isEqualTo(value);
    }

    @Test
    void keepsTheWholeOversizePayload() throws Exception {
        byte[] value = new byte[ParserLimits.DEFAULT_MAX_MESSAGE_BYTES + 1];
        Arrays.fill(value, (byte) 'x');

        DeadLetter letter = single(deserialize(new SaleRecordDeserializer(), record(10L, value))).deadLetter;

        assertThat(letter.reason).isEqualTo("OVERSIZE");
        assertThat(letter.payloadBytes()).isEqualTo(value);
    }

    @Test
    void turnsTombstonesIntoDeadLettersWithoutPayload() throws Exception {
        DeadLetter letter = single(deserialize(new SaleRecordDeserializer(), record(11L, (byte[]) null))).deadLetter;

        assertThat(letter.reason).isEqualTo("EMPTY_MESSAGE");
        assertThat(letter.payloadText).isNull();
        assertThat(letter.payloadBase64).isNull();
    }

    @Test
    void recordsMinusOneWhenKafkaHasNoTimestamp() throws Exception {
        ConsumerRecord<byte[], byte[]> noTimestamp = new ConsumerRecord<>(
                "item_sales",
                0,
                12L,
                ConsumerRecord.NO_TIMESTAMP,
                TimestampType.NO_TIMESTAMP_TYPE,
                0,
                2,
                null,
                "{}".getBytes(StandardCharsets.UTF_8),
                new RecordHeaders(),
                Optional.empty());

        DeadLetter letter = single(deserialize(new SaleRecordDeserializer(), noTimestamp)).deadLetter;

        assertThat(letter.reason).isEqualTo("MISSING_FIELD");
        assertThat(letter.kafkaTimestamp).isEqualTo(DeadLetter.NO_TIMESTAMP);
    }

    @Test
    void appliesConfiguredLimits() throws Exception {
        SaleRecordDeserializer strict =
                new SaleRecordDeserializer(ParserLimits.defaults().withMaxItemSold(10));

        assertThat(single(deserialize(strict, record(13L, VALID))).deadLetter.reason)
                .isEqualTo("ABSURD_QUANTITY");
    }

    @Test
    void countsParsedAndRejectedPerReason() throws Exception {
        RecordingMetricGroup metrics = new RecordingMetricGroup("");
        SaleRecordDeserializer deserializer = new SaleRecordDeserializer();
        deserializer.open(context(metrics));

        deserialize(deserializer, record(1L, VALID));
        deserialize(deserializer, record(2L, VALID));
        deserialize(deserializer, record(3L, "not json"));
        deserialize(deserializer, record(4L, "[]"));
        deserialize(deserializer, record(5L, "[1]"));

        assertThat(metrics.count("parse.parsed")).isEqualTo(2);
        assertThat(metrics.count("parse.rejected")).isEqualTo(3);
        assertThat(metrics.count("parse.reason.NOT_JSON.rejected_by_reason")).isEqualTo(1);
        assertThat(metrics.count("parse.reason.NOT_AN_OBJECT.rejected_by_reason"))
                .isEqualTo(2);
        assertThat(metrics.count("parse.reason.OVERSIZE.rejected_by_reason")).isZero();
        for (RejectReason reason : RejectReason.values()) {
            assertThat(metrics.counters).containsKey("parse.reason." + reason.code() + ".rejected_by_reason");
        }
    }

    @Test
    void worksWithoutMetricGroupOrWithoutOpen() throws Exception {
        SaleRecordDeserializer opened = new SaleRecordDeserializer();
        opened.open(context(null));

        assertThat(single(deserialize(opened, record(1L, VALID))).isValid()).isTrue();
        assertThat(single(deserialize(new SaleRecordDeserializer(), record(1L, "x")))
                        .isValid())
                .isFalse();
    }

    @Test
    void worksAfterJavaSerializationAsFlinkShipsIt() throws Exception {
        SaleRecordDeserializer original =
                new SaleRecordDeserializer(ParserLimits.defaults().withMaxItemSold(10));
        deserialize(original, record(1L, VALID));

        SaleRecordDeserializer copy = InstantiationUtil.clone(original);
        copy.open(context(new UnregisteredMetricsGroup()));

        assertThat(single(deserialize(copy, record(2L, VALID))).deadLetter.reason)
                .isEqualTo("ABSURD_QUANTITY");
        assertThat(single(deserialize(copy, record(3L, VALID.replace("23,", "10,"))))
                        .isValid())
                .isTrue();
    }

    @Test
    void producesPojoTypesSoKryoCanBeDisabled() {
        assertThat(new SaleRecordDeserializer().getProducedType()).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(SourceRecord.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(SaleEvent.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(DeadLetter.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(LateEvent.class)).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void serializesBothUnionSidesWithGenericTypesDisabled() throws Exception {
        SerializerConfigImpl noKryo = new SerializerConfigImpl();
        noKryo.setGenericTypes(false);
        TypeSerializer<SourceRecord> serializer =
                TypeInformation.of(SourceRecord.class).createSerializer(noKryo);
        SourceRecord valid = single(deserialize(new SaleRecordDeserializer(), record(1L, VALID)));
        SourceRecord rejected = single(deserialize(new SaleRecordDeserializer(), record(2L, new byte[] {(byte) 0xFF})));

        for (SourceRecord original : List.of(valid, rejected)) {
            DataOutputSerializer out = new DataOutputSerializer(256);
            serializer.serialize(original, out);
            SourceRecord copy = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
            assertThat(copy).isEqualTo(original);
        }
    }

    @Test
    void neverThrowsWhateverTheValue() {
        SaleRecordDeserializer deserializer = new SaleRecordDeserializer();

        for (String value : new String[] {"", " ", "{", "{\"item_id\":" + "[".repeat(10_000), "\u0000", "null"}) {
            assertThatCode(() -> assertThat(deserialize(deserializer, record(0L, value)))
                            .hasSize(1))
                    .as(value)
                    .doesNotThrowAnyException();
        }
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, String value) {
        return record(offset, value.getBytes(StandardCharsets.UTF_8));
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, byte[] value) {
        return new ConsumerRecord<>(
                "item_sales",
                2,
                offset,
                KAFKA_TIMESTAMP,
                TimestampType.CREATE_TIME,
                0,
                value == null ? -1 : value.length,
                null,
                value,
                new RecordHeaders(),
                Optional.empty());
    }

    private static List<SourceRecord> deserialize(
            SaleRecordDeserializer deserializer, ConsumerRecord<byte[], byte[]> record) throws Exception {
        ListCollector out = new ListCollector();
        deserializer.deserialize(record, out);
        return out.records;
    }

    private static SourceRecord single(List<SourceRecord> records) {
        assertThat(records).hasSize(1);
        return records.get(0);
    }

    private static DeserializationSchema.InitializationContext context(MetricGroup metrics) {
        return new DeserializationSchema.InitializationContext() {
            @Override
            public MetricGroup getMetricGroup() {
                return metrics;
            }

            @Override
            public UserCodeClassLoader getUserCodeClassLoader() {
                return SimpleUserCodeClassLoader.create(SaleRecordDeserializerTest.class.getClassLoader());
            }
        };
    }

    private static final class ListCollector implements Collector<SourceRecord> {
        final List<SourceRecord> records = new ArrayList<>();

        @Override
        public void collect(SourceRecord record) {
            records.add(record);
        }

        @Override
        public void close() {}
    }

    /** Keeps every counter registered below it under its dotted path, shared by all subgroups. */
    private static final class RecordingMetricGroup extends UnregisteredMetricsGroup {
        final Map<String, Counter> counters;
        private final String prefix;

        RecordingMetricGroup(String prefix) {
            this(prefix, new HashMap<>());
        }

        private RecordingMetricGroup(String prefix, Map<String, Counter> counters) {
            this.prefix = prefix;
            this.counters = counters;
        }

        @Override
        public MetricGroup addGroup(String name) {
            return new RecordingMetricGroup(prefix + name + ".", counters);
        }

        /** A label: Flink's identifier is {@code key.value.name}, a reporter's a name with a label. */
        @Override
        public MetricGroup addGroup(String key, String value) {
            return new RecordingMetricGroup(prefix + key + "." + value + ".", counters);
        }

        @Override
        public Counter counter(String name) {
            return counter(name, new SimpleCounter());
        }

        @Override
        public <C extends Counter> C counter(String name, C counter) {
            counters.put(prefix + name, counter);
            return counter;
        }

        long count(String path) {
            assertThat(counters).containsKey(path);
            return counters.get(path).getCount();
        }
    }
}
