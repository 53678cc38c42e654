package io.salespipeline.job.records;

import java.util.Objects;

/**
 * Units and events of one key's sales in one tumbling window, summed on one subtask before the
 * shuffle, so that a window operator receives one partial per key and flush instead of one record
 * per event. The key is the store, the item, or both: the field not in the key is {@code null}.
 *
 * <p>A Flink POJO (public no-arg constructor, public fields), so it never falls back to Kryo.
 */
public class TallyPartial {

    public String storeId;
    public String itemName;
    public long windowStartMs;
    public long units;
    public long events;
    /** The latest event time summed in: the partial's record timestamp, which is inside its window. */
    public long maxTimestampMs;

    public TallyPartial() {}

    public TallyPartial(String storeId, String itemName, long windowStartMs) {
        this.storeId = storeId;
        this.itemName = itemName;
        this.windowStartMs = windowStartMs;
        this.maxTimestampMs = Long.MIN_VALUE;
    }

    public void add(SaleEvent event) {
        units += event.itemSold;
        events += 1;
        maxTimestampMs = Math.max(maxTimestampMs, event.timestampMs);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TallyPartial)) {
            return false;
        }
        TallyPartial that = (TallyPartial) o;
        return windowStartMs == that.windowStartMs
                && units == that.units
                && events == that.events
                && maxTimestampMs == that.maxTimestampMs
                && Objects.equals(storeId, that.storeId)
                && Objects.equals(itemName, that.itemName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(storeId, itemName, windowStartMs, units, events, maxTimestampMs);
    }

    @Override
    public String toString() {
        return "TallyPartial{" + storeId + "/" + itemName + " @" + windowStartMs + " units=" + units + " events=" + events
                + " t<=" + maxTimestampMs + "}";
    }
}
