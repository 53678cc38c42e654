package io.salespipeline.job.records;

import java.util.Objects;

/**
 * What the reference source emits per message: exactly one of {@link #version} and {@link #deadLetter} is set, as
 * {@link SourceRecord} for the log.
 *
 * <p>A Flink POJO (public no-arg constructor, public fields), so it never falls back to Kryo.
 */
public class ReferenceRecord {

    public ReferenceVersion version;
    public DeadLetter deadLetter;
    /** Where in the reference topics it was read: how far the reference source has read (not part of the value). */
    public String sourceTopic;

    public int sourcePartition;
    public long sourceOffset = -1;

    public ReferenceRecord() {}

    public static ReferenceRecord valid(ReferenceVersion version) {
        ReferenceRecord record = new ReferenceRecord();
        record.version = Objects.requireNonNull(version, "version");
        return record;
    }

    public static ReferenceRecord rejected(DeadLetter deadLetter) {
        ReferenceRecord record = new ReferenceRecord();
        record.deadLetter = Objects.requireNonNull(deadLetter, "deadLetter");
        return record;
    }

    /** This record, read at {@code offset} of {@code topic}'s {@code partition}. */
    public ReferenceRecord at(String topic, int partition, long offset) {
        this.sourceTopic = topic;
        this.sourcePartition = partition;
        this.sourceOffset = offset;
        return this;
    }

    public boolean isValid() {
        return version != null;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ReferenceRecord)) {
            return false;
        }
        ReferenceRecord that = (ReferenceRecord) o;
        return Objects.equals(version, that.version) && Objects.equals(deadLetter, that.deadLetter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, deadLetter);
    }

    @Override
    public String toString() {
        return isValid() ? "ReferenceRecord{" + version + "}" : "ReferenceRecord{" + deadLetter + "}";
    }
}
