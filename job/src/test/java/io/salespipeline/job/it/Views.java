package io.salespipeline.job.it;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.data.UdtValue;
import io.salespipeline.job.it.SalesDataSet.Kind;
import io.salespipeline.job.it.SalesDataSet.Produced;
import io.salespipeline.job.it.SalesDataSet.Sale;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The five Cassandra views as plain rows keyed by their primary key: read from Cassandra, or
 * computed by a small independent oracle from the sales the test produced. Two snapshots are equal
 * exactly when every view holds the same rows with the same values.
 */
record Views(
        SortedMap<String, ItemSalesRow> itemSales,
        SortedMap<String, StoreDayRow> salesByStoreDay,
        SortedMap<String, WindowRow> storeSalesPerMinute,
        SortedMap<String, WindowRow> itemSalesPerHour,
        SortedMap<String, TopRow> topItemsPerStoreHour) {

    static final List<String> TABLES = List.of(
            "item_sales",
            "sales_by_store_day",
            "store_sales_per_minute",
            "item_sales_per_hour",
            "top_items_per_store_hour");

    record ItemSalesRow(
            String itemId, String storeId, Instant timestamp, LocalDate day, String itemName, int itemSold) {}

    record StoreDayRow(
            String storeId,
            LocalDate day,
            Instant timestamp,
            String eventId,
            String itemId,
            String itemName,
            int itemSold) {}

    record WindowRow(
            String key,
            LocalDate windowDate,
            Instant windowStart,
            Instant windowEnd,
            long units,
            long events,
            boolean isFinal) {}

    record TopRow(
            String storeId,
            LocalDate windowDate,
            Instant windowStart,
            int rank,
            String itemName,
            long units,
            boolean isFinal) {}

    // ---------------------------------------------------------------------------------------------
    // The oracle

    /**
     * What the views must hold once the job has processed {@code produced} (every valid message
     * sent, in log order per partition).
     *
     * <p>Record views: every valid event (late ones included); item_sales keeps each item's event with the greatest
     * event time, then the greatest log position. Aggregates: every valid event except those beyond the allowed
     * lateness. A window row is final once the job's watermark has reached the window's last millisecond; the job's
     * watermark at the end is the minimum over partitions of (greatest event time − out-of-orderness − 1 ms), so
     * exactly the closing events' own windows stay early.
     */
    /** item_sales keeps the newest sale by event time, of one millisecond the one latest in the log. */
    private static final Comparator<Produced> NEWEST_SALE = Comparator.<Produced>comparingLong(
                    p -> p.sale().timestampMs())
            .thenComparingInt(Produced::partition)
            .thenComparingLong(Produced::offset);

    static Views expected(
            List<Produced> produced, Duration outOfOrderness, Duration storeWindow, Duration itemWindow, int topN) {
        List<Produced> valid =
                produced.stream().filter(p -> p.message().valid()).toList();

        Map<Integer, Long> maxPerPartition = new HashMap<>();
        for (Produced p : valid) {
            maxPerPartition.merge(p.partition(), p.sale().timestampMs(), Math::max);
        }
        if (maxPerPartition.size() != SalesDataSet.PARTITIONS) {
            throw new IllegalStateException("every partition must carry valid events: " + maxPerPartition.keySet());
        }
        long finalWatermark = maxPerPartition.values().stream()
                        .mapToLong(Long::longValue)
                        .min()
                        .getAsLong()
                - outOfOrderness.toMillis()
                - 1;

        SortedMap<String, ItemSalesRow> itemSales = new TreeMap<>();
        Map<String, Produced> latest = new HashMap<>();
        SortedMap<String, StoreDayRow> storeDay = new TreeMap<>();
        for (Produced p : valid) {
            Sale s = p.sale();
            Instant ts = Instant.ofEpochMilli(s.timestampMs());
            LocalDate day = utcDate(s.timestampMs());
            Produced before = latest.get(s.itemId());
            if (before == null || NEWEST_SALE.compare(p, before) > 0) {
                latest.put(s.itemId(), p);
                itemSales.put(
                        s.itemId(), new ItemSalesRow(s.itemId(), s.storeId(), ts, day, s.itemName(), s.itemSold()));
            }
            StoreDayRow row =
                    new StoreDayRow(s.storeId(), day, ts, p.eventId(), s.itemId(), s.itemName(), s.itemSold());
            storeDay.put(storeDayKey(row), row);
        }

        List<Sale> counted = valid.stream()
                .map(Produced::sale)
                .filter(s -> s.kind() != Kind.BEYOND_LATENESS)
                .toList();
        SortedMap<String, WindowRow> stores = windows(counted, storeWindow, Sale::storeId, finalWatermark);
        SortedMap<String, WindowRow> items = windows(counted, itemWindow, Sale::itemName, finalWatermark);

        // top N per (store, hour): units per item, ranked by units desc then name asc
        Map<String, Map<String, Long>> unitsPerStoreHour = new TreeMap<>();
        Map<String, long[]> windowOf = new HashMap<>();
        long size = itemWindow.toMillis();
        for (Sale s : counted) {
            long start = Math.floorDiv(s.timestampMs(), size) * size;
            String key = s.storeId() + "|" + start;
            windowOf.put(key, new long[] {start});
            unitsPerStoreHour
                    .computeIfAbsent(key, k -> new HashMap<>())
                    .merge(s.itemName(), (long) s.itemSold(), Long::sum);
        }
        SortedMap<String, TopRow> top = new TreeMap<>();
        for (Map.Entry<String, Map<String, Long>> e : unitsPerStoreHour.entrySet()) {
            String store = e.getKey().substring(0, e.getKey().indexOf('|'));
            long start = windowOf.get(e.getKey())[0];
            boolean isFinal = finalWatermark >= start + size - 1;
            List<Map.Entry<String, Long>> ranked = new ArrayList<>(e.getValue().entrySet());
            ranked.sort(Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue)
                    .reversed()
                    .thenComparing(Map.Entry::getKey));
            for (int i = 0; i < topN && i < ranked.size(); i++) {
                TopRow row = new TopRow(
                        store,
                        utcDate(start),
                        Instant.ofEpochMilli(start),
                        i + 1,
                        ranked.get(i).getKey(),
                        ranked.get(i).getValue(),
                        isFinal);
                top.put(topKey(row), row);
            }
        }
        return new Views(itemSales, storeDay, stores, items, top);
    }

    private static SortedMap<String, WindowRow> windows(
            List<Sale> sales, Duration window, java.util.function.Function<Sale, String> keyOf, long finalWatermark) {
        long size = window.toMillis();
        Map<String, long[]> acc = new LinkedHashMap<>();
        Map<String, String> keys = new HashMap<>();
        for (Sale s : sales) {
            long start = Math.floorDiv(s.timestampMs(), size) * size;
            String id = keyOf.apply(s) + "|" + start;
            keys.put(id, keyOf.apply(s));
            long[] a = acc.computeIfAbsent(id, k -> new long[] {start, 0, 0});
            a[1] += s.itemSold();
            a[2] += 1;
        }
        SortedMap<String, WindowRow> rows = new TreeMap<>();
        for (Map.Entry<String, long[]> e : acc.entrySet()) {
            long start = e.getValue()[0];
            boolean isFinal = finalWatermark >= start + size - 1;
            WindowRow row = new WindowRow(
                    keys.get(e.getKey()),
                    utcDate(start),
                    Instant.ofEpochMilli(start),
                    Instant.ofEpochMilli(start + size),
                    e.getValue()[1],
                    e.getValue()[2],
                    isFinal);
            rows.put(windowKey(row), row);
        }
        return rows;
    }

    // ---------------------------------------------------------------------------------------------
    // Reading Cassandra

    static Views read(CqlSession session, String keyspace) {
        SortedMap<String, ItemSalesRow> itemSales = new TreeMap<>();
        for (Row r : select(session, keyspace, "item_sales")) {
            UdtValue sale = r.getUdtValue("sale");
            ItemSalesRow row = new ItemSalesRow(
                    r.getString("item_id"),
                    sale.getString("store_id"),
                    sale.getInstant("timestamp_ms"),
                    sale.getLocalDate("timestamp_dt"),
                    sale.getString("item_name"),
                    sale.getInt("item_sold"));
            itemSales.put(row.itemId(), row);
        }
        SortedMap<String, StoreDayRow> storeDay = new TreeMap<>();
        for (Row r : select(session, keyspace, "sales_by_store_day")) {
            StoreDayRow row = new StoreDayRow(
                    r.getString("store_id"),
                    r.getLocalDate("timestamp_dt"),
                    r.getInstant("timestamp_ms"),
                    r.getString("event_id"),
                    r.getString("item_id"),
                    r.getString("item_name"),
                    r.getInt("item_sold"));
            storeDay.put(storeDayKey(row), row);
        }
        return new Views(
                itemSales,
                storeDay,
                readWindows(session, keyspace, "store_sales_per_minute", "store_id"),
                readWindows(session, keyspace, "item_sales_per_hour", "item_name"),
                readTop(session, keyspace));
    }

    /** Rows in a table, counted here: COUNT(*) without a partition key makes Cassandra warn on every call. */
    static long count(CqlSession session, String keyspace, String table) {
        return select(session, keyspace, table).size();
    }

    static void truncateAll(CqlSession session, String keyspace) {
        for (String table : TABLES) {
            session.execute(SimpleStatement.newInstance("TRUNCATE " + keyspace + "." + table)
                    .setTimeout(Duration.ofSeconds(60)));
        }
    }

    private static SortedMap<String, WindowRow> readWindows(
            CqlSession session, String keyspace, String table, String keyColumn) {
        SortedMap<String, WindowRow> rows = new TreeMap<>();
        for (Row r : select(session, keyspace, table)) {
            WindowRow row = new WindowRow(
                    r.getString(keyColumn),
                    r.getLocalDate("window_date"),
                    r.getInstant("window_start"),
                    r.getInstant("window_end"),
                    r.getLong("units"),
                    r.getLong("events"),
                    r.getBoolean("final"));
            rows.put(windowKey(row), row);
        }
        return rows;
    }

    private static SortedMap<String, TopRow> readTop(CqlSession session, String keyspace) {
        SortedMap<String, TopRow> rows = new TreeMap<>();
        for (Row r : select(session, keyspace, "top_items_per_store_hour")) {
            TopRow row = new TopRow(
                    r.getString("store_id"),
                    r.getLocalDate("window_date"),
                    r.getInstant("window_start"),
                    r.getInt("rank"),
                    r.getString("item_name"),
                    r.getLong("units"),
                    r.getBoolean("final"));
            rows.put(topKey(row), row);
        }
        return rows;
    }

    private static List<Row> select(CqlSession session, String keyspace, String table) {
        return session.execute(SimpleStatement.newInstance("SELECT * FROM " + keyspace + "." + table)
                        .setTimeout(Duration.ofSeconds(20)))
                .all();
    }

    // ---------------------------------------------------------------------------------------------
    // Keys and diffs

    private static String storeDayKey(StoreDayRow r) {
        return r.storeId() + "|" + r.day() + "|" + r.timestamp() + "|" + r.eventId();
    }

    private static String windowKey(WindowRow r) {
        return r.key() + "|" + r.windowDate() + "|" + r.windowStart();
    }

    private static String topKey(TopRow r) {
        return r.storeId() + "|" + r.windowDate() + "|" + r.windowStart() + "|#" + r.rank();
    }

    static LocalDate utcDate(long epochMs) {
        return Instant.ofEpochMilli(epochMs).atZone(ZoneOffset.UTC).toLocalDate();
    }

    /** Row counts per view, for progress lines. */
    String sizes() {
        return "item_sales=" + itemSales.size() + " sales_by_store_day=" + salesByStoreDay.size()
                + " store_sales_per_minute=" + storeSalesPerMinute.size() + " item_sales_per_hour="
                + itemSalesPerHour.size() + " top_items_per_store_hour=" + topItemsPerStoreHour.size();
    }

    /** Window rows (views 3–5) not yet final. */
    long earlyRows() {
        return storeSalesPerMinute.values().stream().filter(r -> !r.isFinal()).count()
                + itemSalesPerHour.values().stream().filter(r -> !r.isFinal()).count()
                + topItemsPerStoreHour.values().stream()
                        .filter(r -> !r.isFinal())
                        .count();
    }

    /**
     * A readable difference, view by view: rows missing, unexpected and different (at most {@code limit} lines per
     * view).
     */
    static String diff(Views expected, Views actual, int limit) {
        StringBuilder out = new StringBuilder();
        diff(out, "item_sales", expected.itemSales, actual.itemSales, limit);
        diff(out, "sales_by_store_day", expected.salesByStoreDay, actual.salesByStoreDay, limit);
        diff(out, "store_sales_per_minute", expected.storeSalesPerMinute, actual.storeSalesPerMinute, limit);
        diff(out, "item_sales_per_hour", expected.itemSalesPerHour, actual.itemSalesPerHour, limit);
        diff(out, "top_items_per_store_hour", expected.topItemsPerStoreHour, actual.topItemsPerStoreHour, limit);
        return out.length() == 0 ? "(no difference)" : out.toString();
    }

    private static <R> void diff(
            StringBuilder out, String view, SortedMap<String, R> expected, SortedMap<String, R> actual, int limit) {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, R> e : expected.entrySet()) {
            R got = actual.get(e.getKey());
            if (got == null) {
                lines.add("  missing    " + e.getValue());
            } else if (!Objects.equals(got, e.getValue())) {
                lines.add("  expected   " + e.getValue() + "\n  but found  " + got);
            }
        }
        for (Map.Entry<String, R> e : actual.entrySet()) {
            if (!expected.containsKey(e.getKey())) {
                lines.add("  unexpected " + e.getValue());
            }
        }
        if (lines.isEmpty()) {
            return;
        }
        out.append(view)
                .append(": ")
                .append(lines.size())
                .append(" difference(s) (expected ")
                .append(expected.size())
                .append(" rows, found ")
                .append(actual.size())
                .append(")\n");
        lines.stream().limit(limit).forEach(l -> out.append(l).append('\n'));
        if (lines.size() > limit) {
            out.append("  ... ").append(lines.size() - limit).append(" more\n");
        }
    }
}
