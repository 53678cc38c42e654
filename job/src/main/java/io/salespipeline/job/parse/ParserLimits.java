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
    public static final long DEFAULT_MIN_TIMESTAMP_MS =
            Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();
    /** 2100-01-01T00:00:00Z, exclusive. */
    public static final long DEFAULT_MAX_TIMESTAMP_MS =
            Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();

    public static final int DEFAULT_MAX_FIELD_CHARS = 256;
    /** How far {@code timestamp_ms} may lie ahead of its Kafka record's timestamp: 15 minutes. */
    public static final long DEFAULT_MAX_FUTURE_SKEW_MS = 15 * 60 * 1000L;

    private final int maxMessageBytes;
    private final int maxItemSold;
    private final long minTimestampMs;
    private final long maxTimestampMs;
    private final int maxFieldChars;
    private final long maxFutureSkewMs;

    public ParserLimits(
            int maxMessageBytes,
            int maxItemSold,
            long minTimestampMs,
            long maxTimestampMs,
            int maxFieldChars,
            long maxFutureSkewMs) {
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
        if (maxFutureSkewMs < 0) {
            throw new IllegalArgumentException("maxFutureSkewMs must not be negative: " + maxFutureSkewMs);
        }
        this.maxMessageBytes = maxMessageBytes;
        this.maxItemSold = maxItemSold;
        this.minTimestampMs = minTimestampMs;
        this.maxTimestampMs = maxTimestampMs;
        this.maxFieldChars = maxFieldChars;
        this.maxFutureSkewMs = maxFutureSkewMs;
    }

    public static ParserLimits defaults() {
        return new ParserLimits(
                DEFAULT_MAX_MESSAGE_BYTES,
                DEFAULT_MAX_ITEM_SOLD,
                DEFAULT_MIN_TIMESTAMP_MS,
                DEFAULT_MAX_TIMESTAMP_MS,
                DEFAULT_MAX_FIELD_CHARS,
                DEFAULT_MAX_FUTURE_SKEW_MS);
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

    /**
     * How far an event's {@code timestamp_ms} may lie ahead of its Kafka record timestamp. The record
     * timestamp is in the log, so a replay rejects the same events; a till whose clock runs a day
     * ahead can then move no watermark.
     */
    public long maxFutureSkewMs() {
        return maxFutureSkewMs;
    }

    public ParserLimits withMaxMessageBytes(int value) {
        return new ParserLimits(value, maxItemSold, minTimestampMs, maxTimestampMs, maxFieldChars, maxFutureSkewMs);
    }

    public ParserLimits withMaxItemSold(int value) {
        return new ParserLimits(maxMessageBytes, value, minTimestampMs, maxTimestampMs, maxFieldChars, maxFutureSkewMs);
    }

    /** The accepted event-time range {@code [minInclusive, maxExclusive)}. */
    public ParserLimits withTimestampRange(long minInclusive, long maxExclusive) {
        return new ParserLimits(
                maxMessageBytes, maxItemSold, minInclusive, maxExclusive, maxFieldChars, maxFutureSkewMs);
    }

    public ParserLimits withMaxFieldChars(int value) {
        return new ParserLimits(maxMessageBytes, maxItemSold, minTimestampMs, maxTimestampMs, value, maxFutureSkewMs);
    }

    public ParserLimits withMaxFutureSkewMs(long value) {
        return new ParserLimits(maxMessageBytes, maxItemSold, minTimestampMs, maxTimestampMs, maxFieldChars, value);
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
                && maxFieldChars == that.maxFieldChars
                && maxFutureSkewMs == that.maxFutureSkewMs;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                maxMessageBytes, maxItemSold, minTimestampMs, maxTimestampMs, maxFieldChars, maxFutureSkewMs);
    }

    @Override
    public String toString() {
        return "ParserLimits{maxMessageBytes=" + maxMessageBytes + ", maxItemSold=" + maxItemSold
                + ", timestamps=[" + Instant.ofEpochMilli(minTimestampMs) + ", " + Instant.ofEpochMilli(maxTimestampMs)
                + "), maxFieldChars=" + maxFieldChars + ", maxFutureSkewMs=" + maxFutureSkewMs + "}";
    }
}
