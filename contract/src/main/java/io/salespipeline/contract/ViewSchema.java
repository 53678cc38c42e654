package io.salespipeline.contract;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The view schema a version's logic writes, as files of {@code cql/}: every version has the
 * tables of the plain logic; files whose name contains {@value #ENRICHED_FILE_MARK} add what only
 * the enriched logic ({@link JobSetting#ENRICHMENT}) writes.
 */
public enum ViewSchema {
    PLAIN,
    ENRICHED;

    static final String ENRICHED_FILE_MARK = "-enriched-";

    /** What the enriched logic adds to a window row of store_sales_per_minute and item_sales_per_hour, in order. */
    public static final List<String> ENRICHED_WINDOW_COLUMNS = List.of("revenue", "unpriced_events");

    /** The window columns this schema adds to the plain ones, in order. */
    public List<String> addedWindowColumns() {
        return added(ENRICHED_WINDOW_COLUMNS);
    }

    /** {@link #addedWindowColumns} as they follow a CQL column list: {@code ", revenue, unpriced_events"} or empty. */
    String addedWindowColumnList() {
        return columnList(addedWindowColumns());
    }

    /** What the enriched logic adds to a ranking row of top_items_per_store_hour, in order. */
    public static final List<String> ENRICHED_RANK_COLUMNS = List.of("category", "revenue");

    /** The ranking columns this schema adds to the plain ones, in order. */
    public List<String> addedRankColumns() {
        return added(ENRICHED_RANK_COLUMNS);
    }

    /** {@link #addedRankColumns} as they follow a CQL column list: {@code ", category, revenue"} or empty. */
    String addedRankColumnList() {
        return columnList(addedRankColumns());
    }

    /** What the enriched logic adds to a sale's row of sales_by_store_day. */
    public static final List<String> ENRICHED_STORE_SALE_COLUMNS = List.of("region");

    /** The store-day columns this schema adds to the plain ones, in order. */
    public List<String> addedStoreSaleColumns() {
        return added(ENRICHED_STORE_SALE_COLUMNS);
    }

    /** {@link #addedStoreSaleColumns} as they follow a CQL column list: {@code ", region"} or empty. */
    String addedStoreSaleColumnList() {
        return columnList(addedStoreSaleColumns());
    }

    private List<String> added(List<String> enrichedColumns) {
        return this == ENRICHED ? enrichedColumns : List.of();
    }

    private static String columnList(List<String> columns) {
        return columns.stream().map(c -> ", " + c).collect(Collectors.joining());
    }

    /** The views a version of this schema has, in the order of {@link ViewTable}. */
    public List<ViewTable> tables() {
        return Arrays.stream(ViewTable.values()).filter(v -> v.in(this)).toList();
    }

    /** Whether the {@code cql/} file named {@code fileName} belongs to this schema. */
    public boolean includes(String fileName) {
        return this == ENRICHED || !fileName.contains(ENRICHED_FILE_MARK);
    }

    /** The schema of the logic that these job settings ({@code --key value}, the last value of a key wins) run. */
    public static ViewSchema of(List<String> jobSettings) {
        return of(JobSetting.valueIn(jobSettings, JobSetting.ENRICHMENT.key())
                .map(value -> value.equalsIgnoreCase("true"))
                .orElse(false));
    }

    public static ViewSchema of(boolean enrichment) {
        return enrichment ? ENRICHED : PLAIN;
    }
}
