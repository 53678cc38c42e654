package io.salespipeline.stack.replay;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.salespipeline.contract.ViewTable;
import io.salespipeline.contract.ViewVersions;
import io.salespipeline.stack.StackException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * only one version has is reported, not counted as a difference.
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

    /** The whole comparison: {@code settledUntil} is the event time (exclusive) the rows compared lie before. */
    public record Result(int first, int second, Instant settledUntil, List<ViewResult> views) {
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
            return lines;
        }
    }

    private final CqlSession session;

    VersionDiff(CqlSession session) {
        this.session = session;
    }

    Result compare(int first, int second, Duration settle) {
        String a = ViewVersions.keyspace(first);
        String b = ViewVersions.keyspace(second);
        Instant settledUntil =
                earlier(finalFrontier(a, first), finalFrontier(b, second)).minus(settle);
        long hourMs = windowLengthMs(a, ViewTable.ITEM_SALES_PER_HOUR);
        List<ViewResult> views = new ArrayList<>();
        for (ViewTable view : ViewTable.values()) {
            views.add(compareView(view, a, b, settledUntil.toEpochMilli(), hourMs));
        }
        return new Result(first, second, settledUntil, views);
    }

    private ViewResult compareView(ViewTable view, String a, String b, long until, long hourMs) {
        Map<String, ColumnDefinition> columnsA = columns(a, view);
        Map<String, ColumnDefinition> columnsB = columns(b, view);
        List<String> keys = keyColumns(a, view);
        List<String> shared = columnsA.keySet().stream()
                .filter(columnsB::containsKey)
                .filter(c -> !keys.contains(c))
                .toList();
        Map<String, Row> rowsA = settledRows(a, view, keys, until, hourMs);
        Map<String, Row> rowsB = settledRows(b, view, keys, until, hourMs);
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
                columnsA.keySet().stream().filter(c -> !columnsB.containsKey(c)).toList(),
                columnsB.keySet().stream().filter(c -> !columnsA.containsKey(c)).toList());
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
    private Map<String, Row> settledRows(String keyspace, ViewTable view, List<String> keys, long until, long hourMs) {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (Row row : session.execute(SimpleStatement.newInstance("SELECT * FROM " + keyspace + "." + view.table()))) {
            if (settled(view, row, until, hourMs)) {
                StringBuilder key = new StringBuilder();
                for (String column : keys) {
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
            case STORE_SALES_PER_MINUTE, ITEM_SALES_PER_HOUR ->
                row.getInstant("window_end").toEpochMilli() <= until;
            case TOP_ITEMS_PER_STORE_HOUR -> row.getInstant("window_start").toEpochMilli() + hourMs <= until;
        };
    }

    /** The end of a version's newest final store-minute window: its watermark has passed there. */
    private Instant finalFrontier(String keyspace, int version) {
        Instant newest = null;
        for (Row row : session.execute(SimpleStatement.newInstance(
                "SELECT window_end, final FROM " + keyspace + "." + ViewTable.STORE_SALES_PER_MINUTE.table()))) {
            if (row.getBoolean("final")
                    && (newest == null || row.getInstant("window_end").isAfter(newest))) {
                newest = row.getInstant("window_end");
            }
        }
        if (newest == null) {
            throw new StackException("version " + version + " has no final window yet: nothing is settled to compare");
        }
        return newest;
    }

    private long windowLengthMs(String keyspace, ViewTable view) {
        Row row = session.execute(SimpleStatement.newInstance(
                        "SELECT window_start, window_end FROM " + keyspace + "." + view.table() + " LIMIT 1"))
                .one();
        return row == null
                ? 0
                : row.getInstant("window_end").toEpochMilli()
                        - row.getInstant("window_start").toEpochMilli();
    }

    private Map<String, ColumnDefinition> columns(String keyspace, ViewTable view) {
        ResultSet rows = session.execute(
                SimpleStatement.newInstance("SELECT * FROM " + keyspace + "." + view.table() + " LIMIT 1"));
        Map<String, ColumnDefinition> columns = new LinkedHashMap<>();
        rows.getColumnDefinitions().forEach(c -> columns.put(c.getName().asInternal(), c));
        return columns;
    }

    private List<String> keyColumns(String keyspace, ViewTable view) {
        List<String> partition = new ArrayList<>();
        List<String> clustering = new ArrayList<>();
        for (Row row : session.execute(SimpleStatement.newInstance(
                "SELECT column_name, kind, position FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?",
                keyspace,
                view.table()))) {
            List<String> into = switch (row.getString("kind")) {
                case "partition_key" -> partition;
                case "clustering" -> clustering;
                default -> null;
            };
            if (into != null) {
                int position = row.getInt("position");
                while (into.size() <= position) {
                    into.add(null);
                }
                into.set(position, row.getString("column_name"));
            }
        }
        partition.addAll(clustering);
        return partition;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
