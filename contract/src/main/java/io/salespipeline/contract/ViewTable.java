package io.salespipeline.contract;

/**
 * The materialised views, by their Cassandra table name (the same in every view version's keyspace that has the
 * view): five in every version, one more ({@link #REGION_SALES_PER_HOUR}) in versions of the enriched logic.
 */
public enum ViewTable {
    ITEM_SALES("item_sales", ViewSchema.PLAIN),
    SALES_BY_STORE_DAY("sales_by_store_day", ViewSchema.PLAIN),
    STORE_SALES_PER_MINUTE("store_sales_per_minute", ViewSchema.PLAIN),
    ITEM_SALES_PER_HOUR("item_sales_per_hour", ViewSchema.PLAIN),
    TOP_ITEMS_PER_STORE_HOUR("top_items_per_store_hour", ViewSchema.PLAIN),
    REGION_SALES_PER_HOUR("region_sales_per_hour", ViewSchema.ENRICHED);

    private final String table;
    private final ViewSchema since;

    ViewTable(String table, ViewSchema since) {
        this.table = table;
        this.since = since;
    }

    public String table() {
        return table;
    }

    /** Whether a version whose logic writes {@code schema} has this view. */
    public boolean in(ViewSchema schema) {
        return since == ViewSchema.PLAIN || schema == ViewSchema.ENRICHED;
    }
}
