package io.salespipeline.job.kafka;

import io.salespipeline.job.records.KafkaEnvelope;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes an envelope as JSON, keyed by its source position. */
final class EnvelopeSerializer<T extends KafkaEnvelope> implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final String topic;

    EnvelopeSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, timestamp, element.sourcePosition().getBytes(StandardCharsets.UTF_8), element.toJson());
    }
}
