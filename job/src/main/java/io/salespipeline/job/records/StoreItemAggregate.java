package io.salespipeline.job.records;

import java.util.Objects;

/**
 * One window's running totals for one item in one store: the per-item partial that the top-N ranking
 * of {@code top_items_per_store_hour} is built from.
 */
public class StoreItemAggregate {

    public String storeId;
    public String itemName;
    /** Inclusive window start, epoch milliseconds UTC. */
    public long windowStartMs;
    /** Exclusive window end, epoch milliseconds UTC. */
    public long windowEndMs;
    public long units;
    public long events;
    public boolean finalResult;

    public StoreItemAggregate() {}

    public StoreItemAggregate(
            String storeId,
            String itemName,
            long windowStartMs,
            long windowEndMs,
            long units,
            long events,
            boolean finalResult) {
        this.storeId = storeId;
        this.itemName = itemName;
        this.windowStartMs = windowStartMs;
        this.windowEndMs = windowEndMs;
        this.units = units;
        this.events = events;
        this.finalResult = finalResult;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof StoreItemAggregate)) {
            return false;
        }
        StoreItemAggregate that = (StoreItemAggregate) o;
        return windowStartMs == that.windowStartMs
                && windowEndMs == that.windowEndMs
                && units == that.units
                && events == that.events
                && finalResult == that.finalResult
                && Objects.equals(storeId, that.storeId)
                && Objects.equals(itemName, that.itemName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(storeId, itemName, windowStartMs, windowEndMs, units, events, finalResult);
    }

    @Override
    public String toString() {
        return "StoreItemAggregate{" + storeId + " '" + itemName + "' [" + windowStartMs + "," + windowEndMs
                + ") units=" + units + " events=" + events + (finalResult ? " final" : " early") + "}";
    }
}
