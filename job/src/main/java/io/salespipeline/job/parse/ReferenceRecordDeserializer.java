package io.salespipeline.job.parse;

import io.salespipeline.contract.ReferenceField;
import io.salespipeline.job.records.DeadLetter;
import io.salespipeline.job.records.ReferenceRecord;
import io.salespipeline.job.records.ReferenceVersion;
import java.util.Map;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The reference source's deserializer: every record of the catalog and directory topics becomes exactly one
 * {@link ReferenceRecord}, a version or a dead letter naming its reference topic, so a bad reference record never
 * stops the job. Counted like the log's ({@link ParseCounters}), in the reference source's own metric group.
 */
public final class ReferenceRecordDeserializer implements KafkaRecordDeserializationSchema<ReferenceRecord> {

    private static final long serialVersionUID = 1L;

    private final ReferenceParser parser;
    private final Map<String, ReferenceField.Kind> kindByTopic;

    private transient ParseCounters counters;

    /** {@code kindByTopic}: what each topic the source reads holds, e.g. {@code item_catalog → ITEM}. */
    public ReferenceRecordDeserializer(ReferenceParser parser, Map<String, ReferenceField.Kind> kindByTopic) {
        this.parser = parser;
        this.kindByTopic = Map.copyOf(kindByTopic);
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        counters = new ParseCounters(context == null ? null : context.getMetricGroup());
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ReferenceRecord> out) {
        if (counters == null) {
            counters = new ParseCounters(null);
        }
        ReferenceField.Kind kind = kindByTopic.get(record.topic());
        if (kind == null) {
            throw new IllegalStateException("the reference source read topic '" + record.topic()
                    + "', which is none of " + kindByTopic.keySet());
        }
        ParseResult<ReferenceVersion> result = parser.parse(kind, record.key(), record.value());
        if (result.isValid()) {
            counters.parsed();
            out.collect(ReferenceRecord.valid(result.value()).at(record.topic(), record.partition(), record.offset()));
            return;
        }
        counters.rejected(result.reason());
        out.collect(ReferenceRecord.rejected(DeadLetter.of(
                        result.reason().code(),
                        result.detail(),
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        SaleRecordDeserializer.kafkaTimestamp(record),
                        record.value()))
                .at(record.topic(), record.partition(), record.offset()));
    }

    @Override
    public TypeInformation<ReferenceRecord> getProducedType() {
        return TypeInformation.of(ReferenceRecord.class);
    }
}
