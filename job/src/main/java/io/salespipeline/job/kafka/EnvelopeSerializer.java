package io.salespipeline.job.kafka;

import io.salespipeline.job.records.KafkaEnvelope;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes an envelope as JSON, keyed by its source position, with the view keyspace of the job that
 * wrote it in the {@link KafkaConnectors#VIEW_KEYSPACE_HEADER} header: during a reprocess two
 * versions write the same dead-letter and late topics, and {@code ./replay} compares their verdicts.
 */
final class EnvelopeSerializer<T extends KafkaEnvelope> implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final String keyspace;

    EnvelopeSerializer(String topic, String keyspace) {
        this.topic = topic;
        this.keyspace = keyspace;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(KafkaConnectors.VIEW_KEYSPACE_HEADER, keyspace.getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(
                topic,
                null,
                timestamp,
                element.sourcePosition().getBytes(StandardCharsets.UTF_8),
                element.toJson(),
                headers);
    }
}
