package io.salespipeline.contract;

import java.util.List;

/**
 * The prepared upsert of each view (its bind values, in order, are the row the job writes: the
 * last two its TTL in seconds and its write timestamp in microseconds), the statements the job's sinks and the bench's
 * Cassandra ceiling both write with, and the log position that orders same-millisecond sales.
 */
public final class ViewStatements {

    private ViewStatements() {}

    /**
     * How every upsert ends: the row's TTL in seconds ({@link ViewRetention#ttlSeconds}, 0 for none), then its write
     * timestamp.
     */
    private static final String TTL_AND_TIMESTAMP = " USING TTL ? AND TIMESTAMP ?";

    /** The sale is one frozen cell (cql/10-views.cql says why), built from bind markers. */
    public static String itemSales(String keyspace) {
        return "INSERT INTO " + keyspace
                + ".item_sales (item_id, sale) VALUES (?, {log_position: ?, store_id: ?, timestamp_ms: ?, "
                + "timestamp_dt: ?, "
                + "item_name: ?, item_sold: ?})" + TTL_AND_TIMESTAMP;
    }

    /** The enriched schema's region follows {@code item_sold}. */
    public static String salesByStoreDay(String keyspace, ViewSchema schema) {
        return "INSERT INTO " + keyspace
                + ".sales_by_store_day (store_id, timestamp_dt, timestamp_ms, event_id, item_id, item_name, "
                + "item_sold" + schema.addedStoreSaleColumnList() + ") VALUES (?, ?, ?, ?, ?, ?, ?"
                + ", ?".repeat(schema.addedStoreSaleColumns().size()) + ")" + TTL_AND_TIMESTAMP;
    }

    public static String storeSalesPerMinute(String keyspace, ViewSchema schema) {
        return windowUpsert(keyspace, ViewTable.STORE_SALES_PER_MINUTE.table(), "store_id", schema);
    }

    public static String itemSalesPerHour(String keyspace, ViewSchema schema) {
        return windowUpsert(keyspace, ViewTable.ITEM_SALES_PER_HOUR.table(), "item_name", schema);
    }

    /** Only in versions of the enriched logic: its rows always have the enriched window columns. */
    public static String regionSalesPerHour(String keyspace) {
        return windowUpsert(keyspace, ViewTable.REGION_SALES_PER_HOUR.table(), "region", ViewSchema.ENRICHED);
    }

    /** The enriched schema's columns follow {@code final}, so a window row's first fields are the same in both. */
    private static String windowUpsert(String keyspace, String table, String keyColumn, ViewSchema schema) {
        return "INSERT INTO " + keyspace + "." + table + " (" + keyColumn
                + ", window_date, window_start, window_end, units, events, final" + schema.addedWindowColumnList()
                + ") VALUES (?, ?, ?, ?, ?, ?, ?"
                + ", ?".repeat(schema.addedWindowColumns().size())
                + ")" + TTL_AND_TIMESTAMP;
    }

    /** The enriched schema's columns follow {@code final}, as in the window rows. */
    public static String topItemsPerStoreHour(String keyspace, ViewSchema schema) {
        return "INSERT INTO " + keyspace
                + ".top_items_per_store_hour (store_id, window_date, window_start, rank, item_name, units, "
                + "final" + schema.addedRankColumnList() + ") VALUES (?, ?, ?, ?, ?, ?, ?"
                + ", ?".repeat(schema.addedRankColumns().size()) + ")" + TTL_AND_TIMESTAMP;
    }

    /** Every view's upsert for a version of {@code schema}, in the order of {@link ViewSchema#tables}. */
    public static List<String> upserts(String keyspace, ViewSchema schema) {
        return schema.tables().stream()
                .map(view -> upsert(keyspace, schema, view))
                .toList();
    }

    private static String upsert(String keyspace, ViewSchema schema, ViewTable view) {
        return switch (view) {
            case ITEM_SALES -> itemSales(keyspace);
            case SALES_BY_STORE_DAY -> salesByStoreDay(keyspace, schema);
            case STORE_SALES_PER_MINUTE -> storeSalesPerMinute(keyspace, schema);
            case ITEM_SALES_PER_HOUR -> itemSalesPerHour(keyspace, schema);
            case TOP_ITEMS_PER_STORE_HOUR -> topItemsPerStoreHour(keyspace, schema);
            case REGION_SALES_PER_HOUR -> regionSalesPerHour(keyspace);
        };
    }

    /** Digits of the widest partition number and offset: fixed widths make text order the log order. */
    private static final int PARTITION_DIGITS = 10;

    private static final int OFFSET_DIGITS = 19;

    /**
     * {@code <partition>-<offset>}, both zero-padded to their widest value, so that comparing two
     * positions byte by byte (as Cassandra compares two values of one write timestamp) orders them
     * as the log does.
     */
    public static String logPosition(int partition, long offset) {
        if (partition < 0 || offset < 0) {
            throw new IllegalArgumentException("no log position: partition " + partition + ", offset " + offset);
        }
        // one allocation per event besides the string: this runs for every valid event
        char[] position = new char[PARTITION_DIGITS + 1 + OFFSET_DIGITS];
        writeDigits(position, 0, PARTITION_DIGITS, partition);
        position[PARTITION_DIGITS] = '-';
        writeDigits(position, PARTITION_DIGITS + 1, OFFSET_DIGITS, offset);
        return new String(position);
    }

    /** {@code value} in decimal, zero-padded to {@code width} characters from {@code from}. */
    private static void writeDigits(char[] into, int from, int width, long value) {
        for (int i = from + width - 1; i >= from; i--) {
            into[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
