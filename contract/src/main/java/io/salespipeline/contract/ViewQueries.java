package io.salespipeline.contract;

/**
 * The reads of the views that {@code ./views} (and the demo's panel) serve, one per read pattern,
 * each a single-partition query of its table's key; bind values in the order of the bind markers.
 */
public final class ViewQueries {

    private ViewQueries() {}

    /** The newest sale of an item ({@code item_id}), the frozen sale's fields as columns. */
    public static String sale(String keyspace) {
        return "SELECT item_id, sale.store_id AS store_id, sale.timestamp_ms AS timestamp_ms, sale.timestamp_dt AS "
                + "timestamp_dt, sale.item_name AS item_name, sale.item_sold AS item_sold FROM " + keyspace + "."
                + ViewTable.ITEM_SALES.table() + " WHERE item_id = ?";
    }

    /**
     * A store's day newest first ({@code store_id, timestamp_dt, limit}), with the columns {@code schema} adds:
     * reversing the clustering order is free within one partition.
     */
    public static String storeDay(String keyspace, ViewSchema schema) {
        return "SELECT store_id, timestamp_dt, timestamp_ms, event_id, item_id, item_name, item_sold"
                + schema.addedStoreSaleColumnList() + " FROM " + keyspace
                + "." + ViewTable.SALES_BY_STORE_DAY.table() + " WHERE store_id = ? AND timestamp_dt = ? "
                + "ORDER BY timestamp_ms DESC, event_id DESC LIMIT ?";
    }

    /**
     * A store's minute windows from one instant to before another ({@code store_id, window_date, from, to}), with
     * the columns {@code schema} adds.
     */
    public static String storeMinutes(String keyspace, ViewSchema schema) {
        return "SELECT store_id, window_start, window_end, units, events, final" + schema.addedWindowColumnList()
                + " FROM " + keyspace
                + "." + ViewTable.STORE_SALES_PER_MINUTE.table()
                + " WHERE store_id = ? AND window_date = ? AND window_start >= ? AND window_start < ?";
    }

    /** An item's hour windows of a day ({@code item_name, window_date}), with the columns {@code schema} adds. */
    public static String itemHours(String keyspace, ViewSchema schema) {
        return "SELECT item_name, window_start, window_end, units, events, final" + schema.addedWindowColumnList()
                + " FROM " + keyspace + "." + ViewTable.ITEM_SALES_PER_HOUR.table()
                + " WHERE item_name = ? AND window_date = ?";
    }

    /** A region's hour windows of a day ({@code region, window_date}); only versions of the enriched logic have them. */
    public static String regionHours(String keyspace) {
        return "SELECT region, window_start, window_end, units, events, final"
                + ViewSchema.ENRICHED.addedWindowColumnList() + " FROM " + keyspace + "."
                + ViewTable.REGION_SALES_PER_HOUR.table() + " WHERE region = ? AND window_date = ?";
    }

    /**
     * A store's rankings from one hour to before another ({@code store_id, window_date, from, to}), with the columns
     * {@code schema} adds.
     */
    public static String topItems(String keyspace, ViewSchema schema) {
        return "SELECT store_id, window_start, rank, item_name, units, final" + schema.addedRankColumnList() + " FROM "
                + keyspace + "." + ViewTable.TOP_ITEMS_PER_STORE_HOUR.table()
                + " WHERE store_id = ? AND window_date = ? AND window_start >= ? AND window_start < ?";
    }
}
