package io.salespipeline.job.records;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Objects;

/**
 * Units, events and (for sales joined with the catalog) revenue of one key's sales in one tumbling
 * window, summed on one subtask before the shuffle, so that a window operator receives one partial
 * per key and flush instead of one record per event. The key is the store, the item, both, or the
 * store's region: the fields not in the key are {@code null}.
 *
 * <p>A Flink POJO (public no-arg constructor, public fields), so it never falls back to Kryo.
 */
public class TallyPartial {

    public String storeId;
    public String itemName;
    /** The region of the sales' stores, as the enrichment join found it; only in a partial keyed by region. */
    public String region;

    public long windowStartMs;
    public long units;
    public long events;
    /** Units times unit price of the priced sales summed in. */
    public BigDecimal revenue = BigDecimal.ZERO;
    /** Sales joined with the catalog whose item had no price in force; sales not joined count in neither. */
    public long unpricedEvents;
    /** The category of the priced sales' item (see {@link SalesTally#category}), null when none was priced. */
    public String category;
    /** The latest event time summed in: the partial's record timestamp, which is inside its window. */
    public long maxTimestampMs;
    /**
     * Where its events came from: for each Kafka partition, the first and last offset summed in
     * (parallel arrays; a subtask reads a few partitions). Should a window find the partial late,
     * these say which events of the log it excluded.
     */
    public int[] partitions = new int[0];

    public long[] firstOffsets = new long[0];
    public long[] lastOffsets = new long[0];

    public TallyPartial() {}

    public TallyPartial(String storeId, String itemName, String region, long windowStartMs) {
        this.storeId = storeId;
        this.itemName = itemName;
        this.region = region;
        this.windowStartMs = windowStartMs;
        this.maxTimestampMs = Long.MIN_VALUE;
    }

    public void add(SaleEvent event) {
        units += event.itemSold;
        events += 1;
        if (event.unitPrice != null) {
            revenue = revenue.add(event.unitPrice.multiply(BigDecimal.valueOf(event.itemSold)));
            category = SalesTally.greaterCategory(category, event.category);
        } else if (event.isJoined()) {
            unpricedEvents += 1;
        }
        maxTimestampMs = Math.max(maxTimestampMs, event.timestampMs);
        for (int i = 0; i < partitions.length; i++) {
            if (partitions[i] == event.sourcePartition) {
                firstOffsets[i] = Math.min(firstOffsets[i], event.sourceOffset);
                lastOffsets[i] = Math.max(lastOffsets[i], event.sourceOffset);
                return;
            }
        }
        int n = partitions.length;
        partitions = Arrays.copyOf(partitions, n + 1);
        firstOffsets = Arrays.copyOf(firstOffsets, n + 1);
        lastOffsets = Arrays.copyOf(lastOffsets, n + 1);
        partitions[n] = event.sourcePartition;
        firstOffsets[n] = event.sourceOffset;
        lastOffsets[n] = event.sourceOffset;
    }

    /** Equal sums of the same key and window; where the events came from is provenance, not part of the value. */
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
                && unpricedEvents == that.unpricedEvents
                && Objects.equals(revenue, that.revenue)
                && maxTimestampMs == that.maxTimestampMs
                && Objects.equals(storeId, that.storeId)
                && Objects.equals(itemName, that.itemName)
                && Objects.equals(region, that.region)
                && Objects.equals(category, that.category);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                storeId, itemName, region, windowStartMs, units, events, revenue, unpricedEvents, maxTimestampMs);
    }

    @Override
    public String toString() {
        return "TallyPartial{" + storeId + "/" + itemName + (region == null ? "" : "/" + region) + " @" + windowStartMs
                + " units=" + units + " events=" + events + " revenue=" + revenue + " unpriced=" + unpricedEvents
                + " t<=" + maxTimestampMs + "}";
    }
}
