package io.salespipeline.job.parse;

import io.salespipeline.contract.Metrics;
import io.salespipeline.job.records.DeadLetter;
import io.salespipeline.job.records.SaleEvent;
import io.salespipeline.job.records.SourceRecord;
import java.time.Instant;
import java.util.Locale;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;

/**
 * The Kafka source's deserializer: every record becomes exactly one {@link SourceRecord}, a valid
 * event or a dead letter, so no message is ever dropped or fails the job. A valid event stamped more
 * than {@link ParserLimits#maxFutureSkewMs()} after its Kafka record timestamp is a dead letter
 * ({@link RejectReason#TIMESTAMP_IN_FUTURE}): the record timestamp is part of the log, so a replay
 * decides the same, and a wrong clock can move neither a watermark nor an {@code item_sales} row.
 *
 * <p>Metrics ({@link Metrics#PARSE_GROUP}): valid events, all dead letters, and dead letters
 * labelled with each {@link RejectReason}'s code.
 */
public final class SaleRecordDeserializer implements KafkaRecordDeserializationSchema<SourceRecord> {

    private static final long serialVersionUID = 1L;

    private final SaleEventParser parser;
    private final long maxFutureSkewMs;

    private transient ParseCounters counters;

    public SaleRecordDeserializer() {
        this(ParserLimits.defaults());
    }

    public SaleRecordDeserializer(ParserLimits limits) {
        this.parser = new SaleEventParser(limits);
        this.maxFutureSkewMs = limits.maxFutureSkewMs();
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        counters = new ParseCounters(context == null ? null : context.getMetricGroup());
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<SourceRecord> out) {
        if (counters == null) {
            counters = new ParseCounters(null);
        }
        byte[] value = record.value();
        ParseResult<SaleEvent> result = parser.parse(value, record.topic(), record.partition(), record.offset());
        long kafkaTimestamp = kafkaTimestamp(record);
        if (result.isValid()) {
            long eventTime = result.value().timestampMs;
            if (kafkaTimestamp == DeadLetter.NO_TIMESTAMP || eventTime - kafkaTimestamp <= maxFutureSkewMs) {
                counters.parsed();
                out.collect(SourceRecord.valid(result.value()));
                return;
            }
            result = ParseResult.rejected(
                    RejectReason.TIMESTAMP_IN_FUTURE,
                    String.format(
                            Locale.ROOT,
                            "field 'timestamp_ms' is %d (%s), %d ms ahead of its Kafka record timestamp %d "
                                    + "(%s); at most %d ms (parse.max-future-skew) is accepted",
                            eventTime,
                            Instant.ofEpochMilli(eventTime),
                            eventTime - kafkaTimestamp,
                            kafkaTimestamp,
                            Instant.ofEpochMilli(kafkaTimestamp),
                            maxFutureSkewMs));
        }
        counters.rejected(result.reason());
        out.collect(SourceRecord.rejected(DeadLetter.of(
                result.reason().code(),
                result.detail(),
                record.topic(),
                record.partition(),
                record.offset(),
                kafkaTimestamp,
                value)));
    }

    @Override
    public TypeInformation<SourceRecord> getProducedType() {
        return TypeInformation.of(SourceRecord.class);
    }

    static long kafkaTimestamp(ConsumerRecord<?, ?> record) {
        return record.timestampType() == TimestampType.NO_TIMESTAMP_TYPE || record.timestamp() < 0
                ? DeadLetter.NO_TIMESTAMP
                : record.timestamp();
    }
}
