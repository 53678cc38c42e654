package io.salespipeline.stack.replay;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import io.salespipeline.contract.ViewSchema;
import io.salespipeline.contract.ViewTable;
import io.salespipeline.contract.ViewVersions;
import io.salespipeline.stack.StackException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares two view versions row by row over the event time both have settled: up to the earlier
 * of the two versions' newest final store-minute window, less a settling margin (the allowed
 * lateness, within which a final window may still grow). Rows are matched by primary key and
 * compared on the columns both versions have, byte for byte as Cassandra stores them; a column
 * or a whole view only one version has (the enriched logic adds both) is reported, not counted as
 * a difference.
 */
public final class VersionDiff {

    /** At most this many differences are listed per view. */
    private static final int SHOWN = 5;

    /** One view's comparison. */
    public record ViewResult(
            String view,
            long compared,
            long equal,
            long differ,
            List<String> differences,
            List<String> onlyInFirst,
            List<String> onlyInSecond) {}

    /**
     * The whole comparison: {@code settledUntil} is the event time (exclusive) the rows compared lie before; the views
     * only one version has are named, not compared.
     */
    public record Result(
            int first,
            int second,
            Instant settledUntil,
            List<ViewResult> views,
            List<String> viewsOnlyInFirst,
            List<String> viewsOnlyInSecond) {
        /** Every row both versions settled is equal on their shared columns. */
        public boolean agree() {
            return views.stream().allMatch(v -> v.differ() == 0);
        }

        /** The comparison as a person reads it: a line per view, the first differences under it. */
        public List<String> lines() {
            List<String> lines = new ArrayList<>();
            lines.add("diff v" + first + " v" + second + " over event time before " + settledUntil + ": "
                    + (agree() ? "the views agree" : "the views differ"));
            for (ViewResult v : views) {
                lines.add(String.format(
                        java.util.Locale.ROOT,
                        "  %-25s %,9d rows compared, %,9d equal, %,7d differ%s%s",
                        v.view(),
                        v.compared(),
                        v.equal(),
                        v.differ(),
                        v.onlyInFirst().isEmpty() ? "" : "; columns only in v" + first + ": " + v.onlyInFirst(),
                        v.onlyInSecond().isEmpty() ? "" : "; columns only in v" + second + ": " + v.onlyInSecond()));
                v.differences().forEach(d -> lines.add("      " + d));
            }
            if (!viewsOnlyInFirst.isEmpty()) {
                lines.add("  views only in v" + first + ": " + viewsOnlyInFirst);
            }
            if (!viewsOnlyInSecond.isEmpty()) {
                lines.add("  views only in v" + second + ": " + viewsOnlyInSecond);
            }
            return lines;
        }
    }

    private final CqlSession session;

    VersionDiff(CqlSession session) {
        this.session = session;
    }

    Result compare(int first, int second, Duration settle) {
        Map<ViewTable, TableRows> a = read(ViewVersions.keyspace(first));
        Map<ViewTable, TableRows> b = read(ViewVersions.keyspace(second));
        Instant settledUntil =
                earlier(finalFrontier(a, first), finalFrontier(b, second)).minus(settle);
        long hourMs = a.get(ViewTable.ITEM_SALES_PER_HOUR).rows().stream()
                .findFirst()
                .map(r -> r.getInstant("window_end").toEpochMilli()
                        - r.getInstant("window_start").toEpochMilli())
                .orElse(0L);
        List<ViewResult> views = new ArrayList<>();
        for (ViewTable view : ViewTable.values()) {
            if (a.containsKey(view) && b.containsKey(view)) {
                views.add(compareView(view, a.get(view), b.get(view), settledUntil.toEpochMilli(), hourMs));
            }
        }
        return new Result(first, second, settledUntil, views, onlyIn(a, b), onlyIn(b, a));
    }

    private static List<String> onlyIn(Map<ViewTable, TableRows> tables, Map<ViewTable, TableRows> other) {
        return tables.keySet().stream()
                .filter(view -> !other.containsKey(view))
                .map(ViewTable::table)
                .toList();
    }

    /** One version's table: its columns, its primary key (partition then clustering columns) and every row. */
    private record TableRows(List<String> columns, List<String> key, List<Row> rows) {}

    /**
     * Every view table of a keyspace, each read once; a table the keyspace's logic lacks is absent, one that every
     * version has must be there.
     */
    private Map<ViewTable, TableRows> read(String keyspace) {
        KeyspaceMetadata metadata = session.getMetadata()
                .getKeyspace(keyspace)
                .orElseThrow(() -> new StackException("keyspace " + keyspace + " does not exist"));
        Map<ViewTable, TableRows> tables = new EnumMap<>(ViewTable.class);
        for (ViewTable view : ViewTable.values()) {
            TableMetadata table = metadata.getTable(view.table()).orElse(null);
            if (table == null) {
                if (view.in(ViewSchema.PLAIN)) {
                    throw new StackException(keyspace + " has no table " + view.table());
                }
                continue;
            }
            List<String> columns = table.getColumns().keySet().stream()
                    .map(CqlIdentifier::asInternal)
                    .toList();
            List<String> key = table.getPrimaryKey().stream()
                    .map(c -> c.getName().asInternal())
                    .toList();
            List<Row> rows = session.execute(
                            SimpleStatement.newInstance("SELECT * FROM " + keyspace + "." + view.table()))
                    .all();
            tables.put(view, new TableRows(columns, key, rows));
        }
        return tables;
    }

    private ViewResult compareView(ViewTable view, TableRows a, TableRows b, long until, long hourMs) {
        List<String> shared = a.columns().stream()
                .filter(b.columns()::contains)
                .filter(c -> !a.key().contains(c))
                .toList();
        Map<String, Row> rowsA = settledRows(view, a, until, hourMs);
        Map<String, Row> rowsB = settledRows(view, b, until, hourMs);
        Set<String> allKeys = new TreeSet<>(rowsA.keySet());
        allKeys.addAll(rowsB.keySet());
        long equal = 0;
        List<String> differences = new ArrayList<>();
        for (String key : allKeys) {
            Row rowA = rowsA.get(key);
            Row rowB = rowsB.get(key);
            String difference = rowA == null
                    ? key + ": only in the second"
                    : rowB == null ? key + ": only in the first" : difference(key, rowA, rowB, shared);
            if (difference == null) {
                equal++;
            } else {
                differences.add(difference);
            }
        }
        return new ViewResult(
                view.table(),
                allKeys.size(),
                equal,
                differences.size(),
                differences.stream().limit(SHOWN).toList(),
                a.columns().stream().filter(c -> !b.columns().contains(c)).toList(),
                b.columns().stream().filter(c -> !a.columns().contains(c)).toList());
    }

    private static String difference(String key, Row a, Row b, List<String> columns) {
        for (String column : columns) {
            ByteBuffer valueA = a.getBytesUnsafe(column);
            ByteBuffer valueB = b.getBytesUnsafe(column);
            if (!Objects.equals(valueA, valueB)) {
                return key + ": " + column + " " + a.getObject(column) + " / " + b.getObject(column);
            }
        }
        return null;
    }

    /** The rows of one version's view whose event time lies before {@code until}, by primary key. */
    private static Map<String, Row> settledRows(ViewTable view, TableRows table, long until, long hourMs) {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (Row row : table.rows()) {
            if (settled(view, row, until, hourMs)) {
                StringBuilder key = new StringBuilder();
                for (String column : table.key()) {
                    key.append(key.isEmpty() ? "" : "/").append(row.getObject(column));
                }
                rows.put(key.toString(), row);
            }
        }
        return rows;
    }

    private static boolean settled(ViewTable view, Row row, long until, long hourMs) {
        return switch (view) {
            case ITEM_SALES ->
                row.getUdtValue("sale").getInstant("timestamp_ms").toEpochMilli() < until;
            case SALES_BY_STORE_DAY -> row.getInstant("timestamp_ms").toEpochMilli() < until;
            case STORE_SALES_PER_MINUTE, ITEM_SALES_PER_HOUR, REGION_SALES_PER_HOUR ->
                row.getInstant("window_end").toEpochMilli() <= until;
            case TOP_ITEMS_PER_STORE_HOUR -> row.getInstant("window_start").toEpochMilli() + hourMs <= until;
        };
    }

    /** The end of a version's newest final store-minute window: its watermark has passed there. */
    private static Instant finalFrontier(Map<ViewTable, TableRows> tables, int version) {
        return tables.get(ViewTable.STORE_SALES_PER_MINUTE).rows().stream()
                .filter(r -> r.getBoolean("final"))
                .map(r -> r.getInstant("window_end"))
                .max(Instant::compareTo)
                .orElseThrow(() -> new StackException(
                        "version " + version + " has no final window yet: nothing is settled to compare"));
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
