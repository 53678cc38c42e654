package io.salespipeline.contract;

/** The five materialised views, by their Cassandra table name (the same in every view version's keyspace). */
public enum ViewTable {
    ITEM_SALES("item_sales"),
    SALES_BY_STORE_DAY("sales_by_store_day"),
    STORE_SALES_PER_MINUTE("store_sales_per_minute"),
    ITEM_SALES_PER_HOUR("item_sales_per_hour"),
    TOP_ITEMS_PER_STORE_HOUR("top_items_per_store_hour");

    private final String table;

    ViewTable(String table) {
        this.table = table;
    }

    public String table() {
        return table;
    }
}
