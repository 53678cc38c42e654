package io.salespipeline.contract;

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
        return this == ENRICHED ? ENRICHED_WINDOW_COLUMNS : List.of();
    }

    /** {@link #addedWindowColumns} as they follow a CQL column list: {@code ", revenue, unpriced_events"} or empty. */
    String addedWindowColumnList() {
        return addedWindowColumns().stream().map(c -> ", " + c).collect(Collectors.joining());
    }

    /** Whether the {@code cql/} file named {@code fileName} belongs to this schema. */
    public boolean includes(String fileName) {
        return this == ENRICHED || !fileName.contains(ENRICHED_FILE_MARK);
    }

    /** The schema of the logic that these job settings ({@code --key value}, the last value of a key wins) run. */
    public static ViewSchema of(List<String> jobSettings) {
        String flag = "--" + JobSetting.ENRICHMENT.key();
        boolean enriched = false;
        for (int i = 0; i + 1 < jobSettings.size(); i++) {
            if (jobSettings.get(i).equals(flag)) {
                enriched = jobSettings.get(i + 1).equalsIgnoreCase("true");
            }
        }
        return of(enriched);
    }

    public static ViewSchema of(boolean enrichment) {
        return enrichment ? ENRICHED : PLAIN;
    }
}
