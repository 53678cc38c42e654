package io.salespipeline.job.records;

/** A record the job writes to a Kafka topic of its own (dead letters, late events) as JSON. */
public interface KafkaEnvelope {

    /** The message value. */
    byte[] toJson();

    /**
     * Where the input sat in the log, {@code topic/partition/offset}: the message key, so duplicates are recognisable.
     */
    String sourcePosition();
}
