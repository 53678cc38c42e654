package io.salespipeline.job.parse;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * The bounds {@link SaleEventParser} enforces. Immutable: each {@code with...} returns a copy.
 *
 * <p>The timestamp range is fixed, never relative to the wall clock, so replaying the same log
 * always accepts and rejects the same messages.
 */
public final class ParserLimits implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_MAX_MESSAGE_BYTES = 65_536;
    public static final int DEFAULT_MAX_ITEM_SOLD = 1_000_000;
    /** 2000-01-01T00:00:00Z, inclusive. */
    public static final long DEFAULT_MIN_TIMESTAMP_MS = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();
    /** 2100-01-01T00:00:00Z, exclusive. */
    public static final long DEFAULT_MAX_TIMESTAMP_MS = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();
    public static final int DEFAULT_MAX_FIELD_CHARS = 256;

    private final int maxMessageBytes;
    private final int maxItemSold;
    private final long minTimestampMs;
    private final long maxTimestampMs;
    private final int maxFieldChars;

    public ParserLimits(int maxMessageBytes, int maxItemSold, long minTimestampMs, long maxTimestampMs, int maxFieldChars) {
        if (maxMessageBytes <= 0) {
            throw new IllegalArgumentException("maxMessageBytes must be positive: " + maxMessageBytes);
        }
        if (maxItemSold < 0) {
            throw new IllegalArgumentException("maxItemSold must not be negative: " + maxItemSold);
        }
        // The parser clamps integers beyond the long range to Long.MIN_VALUE/MAX_VALUE, which then
        // must fall outside the range for overflowing timestamps to be rejected.
        if (minTimestampMs == Long.MIN_VALUE) {
            throw new IllegalArgumentException("minTimestampMs must be above Long.MIN_VALUE");
        }
        if (minTimestampMs >= maxTimestampMs) {
            throw new IllegalArgumentException(
                    "minTimestampMs must be below maxTimestampMs: " + minTimestampMs + " >= " + maxTimestampMs);
        }
        if (maxFieldChars <= 0) {
            throw new IllegalArgumentException("maxFieldChars must be positive: " + maxFieldChars);
        }
        this.maxMessageBytes = maxMessageBytes;
        this.maxItemSold = maxItemSold;
        this.minTimestampMs = minTimestampMs;
        this.maxTimestampMs = maxTimestampMs;
        this.maxFieldChars = maxFieldChars;
    }

    public static ParserLimits defaults() {
        return new ParserLimits(
                DEFAULT_MAX_MESSAGE_BYTES,
                DEFAULT_MAX_ITEM_SOLD,
                DEFAULT_MIN_TIMESTAMP_MS,
                DEFAULT_MAX_TIMESTAMP_MS,
                DEFAULT_MAX_FIELD_CHARS);
    }

    /** Largest accepted Kafka message value, in bytes. */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** Largest accepted {@code item_sold}, inclusive. */
    public int maxItemSold() {
        return maxItemSold;
    }

    /** Smallest accepted {@code timestamp_ms}, inclusive. */
    public long minTimestampMs() {
        return minTimestampMs;
    }

    /** Upper bound of {@code timestamp_ms}, exclusive. */
    public long maxTimestampMs() {
        return maxTimestampMs;
    }

    /** Longest accepted text field, in Unicode code points. */
    public int maxFieldChars() {
        return maxFieldChars;
    }

    public ParserLimits withMaxMessageBytes(int value) {
        return new ParserLimits(value, maxItemSold, minTimestampMs, maxTimestampMs, maxFieldChars);
    }

    public ParserLimits withMaxItemSold(int value) {
        return new ParserLimits(maxMessageBytes, value, minTimestampMs, maxTimestampMs, maxFieldChars);
    }

    /** The accepted event-time range {@code [minInclusive, maxExclusive)}. */
    public ParserLimits withTimestampRange(long minInclusive, long maxExclusive) {
        return new ParserLimits(maxMessageBytes, maxItemSold, minInclusive, maxExclusive, maxFieldChars);
    }

    public ParserLimits withMaxFieldChars(int value) {
        return new ParserLimits(maxMessageBytes, maxItemSold, minTimestampMs, maxTimestampMs, value);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ParserLimits)) {
            return false;
        }
        ParserLimits that = (ParserLimits) o;
        return maxMessageBytes == that.maxMessageBytes
                && maxItemSold == that.maxItemSold
                && minTimestampMs == that.minTimestampMs
                && maxTimestampMs == that.maxTimestampMs
                && maxFieldChars == that.maxFieldChars;
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxMessageBytes, maxItemSold, minTimestampMs, maxTimestampMs, maxFieldChars);
    }

    @Override
    public String toString() {
        return "ParserLimits{maxMessageBytes=" + maxMessageBytes + ", maxItemSold=" + maxItemSold
                + ", timestamps=[" + Instant.ofEpochMilli(minTimestampMs) + ", " + Instant.ofEpochMilli(maxTimestampMs)
                + "), maxFieldChars=" + maxFieldChars + "}";
    }
}
