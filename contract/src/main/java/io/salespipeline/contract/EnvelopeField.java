package io.salespipeline.contract;

/**
 * The JSON keys of the job's envelopes: a dead letter on the dead-letter topic, a late event and a
 * closed window's late sums on the late topic (the sale's own fields keep their {@link SaleField} keys).
 */
public enum EnvelopeField {
    /** Why a dead letter was rejected: a reject reason's code. */
    REASON("reason"),
    DETAIL("detail"),
    /** The input's log position, an object of {@link #TOPIC}, {@link #PARTITION}, {@link #OFFSET}, {@link #TIMESTAMP}. */
    SOURCE("source"),
    TOPIC("topic"),
    PARTITION("partition"),
    OFFSET("offset"),
    /** The Kafka record's timestamp. */
    TIMESTAMP("timestamp"),
    /** The rejected message as text, or {@link #PAYLOAD_BASE64} when it is not UTF-8. */
    PAYLOAD("payload"),
    PAYLOAD_BASE64("payload_base64"),
    PAYLOAD_TRUNCATED("payload_truncated"),
    /** The whole payload's length, when it was truncated. */
    PAYLOAD_BYTES("payload_bytes"),
    PAYLOAD_SHA256("payload_sha256"),
    /** Why an event or a window's sums were late: a late reason's code. */
    LATE_REASON("late_reason"),
    WATERMARK_MS("watermark_ms"),
    ALLOWED_LATENESS_MS("allowed_lateness_ms"),
    /** The view table a closed window's late sums belong to. */
    VIEW("view"),
    WINDOW_START_MS("window_start_ms"),
    WINDOW_END_MS("window_end_ms"),
    UNITS("units"),
    EVENTS("events"),
    /** The offsets a closed window's late sums came from, per partition: {@link #PARTITION}, {@link #FIRST_OFFSET}, {@link #LAST_OFFSET}. */
    SOURCES("sources"),
    FIRST_OFFSET("first_offset"),
    LAST_OFFSET("last_offset");

    private final String key;

    EnvelopeField(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
