package io.salespipeline.job.records;

import java.util.Objects;

/**
 * What the Kafka source emits per message: exactly one of {@link #event} and {@link #deadLetter} is
 * set. One stream of this union, split downstream, keeps valid and rejected messages in log order.
 *
 * <p>A Flink POJO (public no-arg constructor, public fields), so it never falls back to Kryo.
 */
public class SourceRecord {

    public SaleEvent event;
    public DeadLetter deadLetter;

    public SourceRecord() {}

    public static SourceRecord valid(SaleEvent event) {
        SourceRecord record = new SourceRecord();
        record.event = Objects.requireNonNull(event, "event");
        return record;
    }

    public static SourceRecord rejected(DeadLetter deadLetter) {
        SourceRecord record = new SourceRecord();
        record.deadLetter = Objects.requireNonNull(deadLetter, "deadLetter");
        return record;
    }

    public boolean isValid() {
        return event != null;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SourceRecord)) {
            return false;
        }
        SourceRecord that = (SourceRecord) o;
        return Objects.equals(event, that.event) && Objects.equals(deadLetter, that.deadLetter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(event, deadLetter);
    }

    @Override
    public String toString() {
        return isValid() ? "SourceRecord{" + event + "}" : "SourceRecord{" + deadLetter + "}";
    }
}
