package io.salespipeline.job.records;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One row of {@code top_items_per_store_hour}: the item at {@link #rank} (1 = most units) of one
 * store's window. Rows are keyed by (store, window start, rank), so a new item taking a rank simply
 * overwrites the previous holder's row.
 */
public class TopItemsRank {

    public String storeId;
    /** Inclusive window start, epoch milliseconds UTC. */
    public long windowStartMs;
    /** Exclusive window end, epoch milliseconds UTC. */
    public long windowEndMs;
    /** 1-based. */
    public int rank;

    public String itemName;
    public long units;
    public boolean finalResult;
    /** The item's category and its sales' revenue in the window (enriched logic); null and zero otherwise. */
    public String category;

    public BigDecimal revenue = BigDecimal.ZERO;

    public TopItemsRank() {}

    public TopItemsRank(
            String storeId,
            long windowStartMs,
            long windowEndMs,
            int rank,
            String itemName,
            long units,
            boolean finalResult) {
        this.storeId = storeId;
        this.windowStartMs = windowStartMs;
        this.windowEndMs = windowEndMs;
        this.rank = rank;
        this.itemName = itemName;
        this.units = units;
        this.finalResult = finalResult;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TopItemsRank)) {
            return false;
        }
        TopItemsRank that = (TopItemsRank) o;
        return windowStartMs == that.windowStartMs
                && windowEndMs == that.windowEndMs
                && rank == that.rank
                && units == that.units
                && finalResult == that.finalResult
                && Objects.equals(storeId, that.storeId)
                && Objects.equals(itemName, that.itemName)
                && Objects.equals(category, that.category)
                && Objects.equals(revenue, that.revenue);
    }

    @Override
    public int hashCode() {
        return Objects.hash(storeId, windowStartMs, windowEndMs, rank, itemName, units, finalResult, category, revenue);
    }

    @Override
    public String toString() {
        return "TopItemsRank{" + storeId + " [" + windowStartMs + "," + windowEndMs + ") #" + rank + " '" + itemName
                + "' units=" + units + (category == null ? "" : " category=" + category + " revenue=" + revenue)
                + (finalResult ? " final" : " early") + "}";
    }
}
