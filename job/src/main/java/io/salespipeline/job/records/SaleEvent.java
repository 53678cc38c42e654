package io.salespipeline.job.records;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * One validated sale, as the producer sent it, plus where it sits in the log.
 *
 * <p>A Flink POJO (public no-arg constructor, public fields) so state and network use the POJO
 * serializer, never Kryo. The log position makes {@link #eventId()} deterministic, so a replay
 * of the same log upserts the same rows.
 */
public class SaleEvent {

    public String itemId;
    public String itemName;
    public String storeId;
    public int itemSold;
    /** Event time, epoch milliseconds UTC. */
    public long timestampMs;

    public String sourceTopic;
    public int sourcePartition;
    public long sourceOffset;

    /**
     * What the enrichment join found in force at the event time ({@code --enrichment}): the item's unit price and
     * category (null when no price was in force), and the store's region ({@code unknown} when the directory has
     * none). All null in a job without the join.
     */
    public BigDecimal unitPrice;

    public String category;
    public String region;

    public SaleEvent() {}

    public SaleEvent(
            String itemId,
            String itemName,
            String storeId,
            int itemSold,
            long timestampMs,
            String sourceTopic,
            int sourcePartition,
            long sourceOffset) {
        this.itemId = itemId;
        this.itemName = itemName;
        this.storeId = storeId;
        this.itemSold = itemSold;
        this.timestampMs = timestampMs;
        this.sourceTopic = sourceTopic;
        this.sourcePartition = sourcePartition;
        this.sourceOffset = sourceOffset;
    }

    /** A copy of this sale with what the enrichment join found; this one is left as it is. */
    public SaleEvent joined(BigDecimal unitPrice, String category, String region) {
        SaleEvent joined = new SaleEvent(
                itemId, itemName, storeId, itemSold, timestampMs, sourceTopic, sourcePartition, sourceOffset);
        joined.unitPrice = unitPrice;
        joined.category = category;
        joined.region = region;
        return joined;
    }

    /** Whether the enrichment join has seen this sale (it then has a region, {@code unknown} at least). */
    public boolean isJoined() {
        return region != null;
    }

    /** The UTC calendar date of the event time: the producer's {@code timestamp_dt}. */
    public LocalDate timestampDate() {
        return Instant.ofEpochMilli(timestampMs).atZone(ZoneOffset.UTC).toLocalDate();
    }

    /** Deterministic id from the log position: {@code <partition>-<offset>}. */
    public String eventId() {
        return sourcePartition + "-" + sourceOffset;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SaleEvent)) {
            return false;
        }
        SaleEvent that = (SaleEvent) o;
        return itemSold == that.itemSold
                && timestampMs == that.timestampMs
                && sourcePartition == that.sourcePartition
                && sourceOffset == that.sourceOffset
                && Objects.equals(itemId, that.itemId)
                && Objects.equals(itemName, that.itemName)
                && Objects.equals(storeId, that.storeId)
                && Objects.equals(sourceTopic, that.sourceTopic)
                && Objects.equals(unitPrice, that.unitPrice)
                && Objects.equals(category, that.category)
                && Objects.equals(region, that.region);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                itemId,
                itemName,
                storeId,
                itemSold,
                timestampMs,
                sourceTopic,
                sourcePartition,
                sourceOffset,
                unitPrice,
                category,
                region);
    }

    @Override
    public String toString() {
        return "SaleEvent{" + itemId + " '" + itemName + "' @" + storeId + " x" + itemSold + " t=" + timestampMs
                + " from " + sourceTopic + "/" + sourcePartition + "@" + sourceOffset
                + (region == null ? "" : " price=" + unitPrice + " category=" + category + " region=" + region) + "}";
    }
}
