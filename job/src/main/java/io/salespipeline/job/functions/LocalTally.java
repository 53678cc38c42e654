package io.salespipeline.job.functions;

import io.salespipeline.job.records.SaleEvent;
import io.salespipeline.job.records.TallyPartial;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Local pre-aggregation in front of a keyed tumbling window: sums each (key, window) of the events
 * this subtask sees and emits one {@link TallyPartial} per key and flush. Without it every event
 * crosses the network once per aggregation and costs the window operator several state and timer
 * accesses; with it, a window operator sees roughly (keys × subtasks) records per flush.
 *
 * <p>Holds nothing across a checkpoint, so it has no state: the open partials are emitted before
 * the barrier. They are also emitted before every watermark is forwarded, which keeps the lateness
 * argument of {@link LatenessGate} intact: a partial reaches its window operator ahead of the
 * watermark that followed its events, exactly as the events themselves would have, and its record
 * timestamp (its latest event time) lies in the same window as each of its events. Between
 * watermarks, a partial waits at most {@code maxDelay}, and at most {@code maxKeys} partials are open.
 */
public class LocalTally extends AbstractStreamOperator<TallyPartial>
        implements OneInputStreamOperator<SaleEvent, TallyPartial>, BoundedOneInput {

    private static final long serialVersionUID = 1L;

    /** What a partial's key is made of. */
    public enum Key {
        STORE,
        ITEM,
        /** A store's window, summed per item. */
        STORE_AND_ITEM,
        /** Only behind the enrichment join, which gives every sale a region. */
        REGION;

        /** The key of an event's window: its store, item name or region. */
        String windowKey(SaleEvent event) {
            return switch (this) {
                case STORE, STORE_AND_ITEM -> event.storeId;
                case ITEM -> event.itemName;
                case REGION -> event.region;
            };
        }

        /** The same, of a partial. */
        public String windowKey(TallyPartial partial) {
            return switch (this) {
                case STORE, STORE_AND_ITEM -> partial.storeId;
                case ITEM -> partial.itemName;
                case REGION -> partial.region;
            };
        }

        /** The item a window sums apart ({@link #STORE_AND_ITEM}), null for the others. */
        String itemName(SaleEvent event) {
            return this == STORE_AND_ITEM ? event.itemName : null;
        }

        /**
         * An empty partial of the window keyed by {@code windowKey}, for the sales of {@code itemName} when the window
         * sums items apart: its key in the partial's fields, the others null.
         */
        TallyPartial emptyPartial(String windowKey, String itemName, long windowStartMs) {
            return switch (this) {
                case STORE -> new TallyPartial(windowKey, null, null, windowStartMs);
                case ITEM -> new TallyPartial(null, windowKey, null, windowStartMs);
                case STORE_AND_ITEM -> new TallyPartial(windowKey, itemName, null, windowStartMs);
                case REGION -> new TallyPartial(null, null, windowKey, windowStartMs);
            };
        }
    }

    /** How long and how many partials may stay open between watermarks. */
    public record Limits(Duration maxDelay, int maxKeys) implements java.io.Serializable {
        public Limits {
            if (maxDelay.isZero() || maxDelay.isNegative() || maxKeys < 1) {
                throw new IllegalArgumentException(
                        "pre-aggregation needs a positive delay and key count: " + maxDelay + ", " + maxKeys);
            }
        }
    }

    /**
     * Looked up three times per event on the source thread. Not a record: a record's generated
     * equals and hashCode run through method handles that the JIT did not inline here, and they
     * were a fifth of the source thread's samples in a profile of a replay.
     */
    private static final class OpenKey {
        final String windowKey;
        final String itemName;
        final long windowStartMs;
        private final int hash;

        OpenKey(String windowKey, String itemName, long windowStartMs) {
            this.windowKey = windowKey;
            this.itemName = itemName;
            this.windowStartMs = windowStartMs;
            this.hash =
                    31 * (31 * Objects.hashCode(windowKey) + Objects.hashCode(itemName)) + Long.hashCode(windowStartMs);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof OpenKey that
                    && hash == that.hash
                    && windowStartMs == that.windowStartMs
                    && Objects.equals(windowKey, that.windowKey)
                    && Objects.equals(itemName, that.itemName);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private final Key key;
    private final long windowSizeMs;
    private final long maxDelayMs;
    private final int maxKeys;

    private transient Map<OpenKey, TallyPartial> open;
    private transient boolean flushScheduled;

    public LocalTally(Key key, Duration windowSize, Limits limits) {
        this.key = key;
        this.windowSizeMs = windowSize.toMillis();
        this.maxDelayMs = limits.maxDelay().toMillis();
        this.maxKeys = limits.maxKeys();
        // Chained behind the gate, or the events it exists to keep off the network would cross one.
        setChainingStrategy(ChainingStrategy.ALWAYS);
    }

    @Override
    public void open() throws Exception {
        super.open();
        open = new HashMap<>();
    }

    @Override
    public void processElement(StreamRecord<SaleEvent> element) {
        SaleEvent event = element.getValue();
        String windowKey = key.windowKey(event);
        String itemName = key.itemName(event);
        long windowStartMs = TimeWindow.getWindowStartWithOffset(event.timestampMs, 0, windowSizeMs);
        // get-then-put: computeIfAbsent's capturing lambda would be one more allocation per event
        OpenKey openKey = new OpenKey(windowKey, itemName, windowStartMs);
        TallyPartial partial = open.get(openKey);
        if (partial == null) {
            partial = key.emptyPartial(windowKey, itemName, windowStartMs);
            open.put(openKey, partial);
        }
        partial.add(event);
        if (open.size() >= maxKeys) {
            flush();
        } else if (!flushScheduled) {
            flushScheduled = true;
            long now = getProcessingTimeService().getCurrentProcessingTime();
            getProcessingTimeService().registerTimer(now + maxDelayMs, time -> {
                flushScheduled = false;
                flush();
            });
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush();
    }

    @Override
    public void endInput() {
        flush();
    }

    private void flush() {
        for (TallyPartial partial : open.values()) {
            output.collect(new StreamRecord<>(partial, partial.maxTimestampMs));
        }
        open.clear();
    }
}
