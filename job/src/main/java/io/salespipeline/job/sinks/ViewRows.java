package io.salespipeline.job.sinks;

import io.salespipeline.job.records.SaleEvent;
import io.salespipeline.job.records.TopItemsRank;
import io.salespipeline.job.records.ViewTable;
import io.salespipeline.job.records.WindowAggregate;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple8;

/** The rows of each view: the prepared upsert, its bind values in order, and their Flink types. */
final class ViewRows {

    private ViewRows() {}

    /** The sale is one frozen cell (cql/10-views.cql says why), built from bind markers. */
    static String itemSalesQuery(String keyspace) {
        return "INSERT INTO " + keyspace + ".item_sales (item_id, sale) VALUES (?, {log_position: ?, store_id: ?, timestamp_ms: ?, timestamp_dt: ?, "
                + "item_name: ?, item_sold: ?}) USING TIMESTAMP ?";
    }

    static String salesByStoreDayQuery(String keyspace) {
        return "INSERT INTO " + keyspace + ".sales_by_store_day (store_id, timestamp_dt, timestamp_ms, event_id, item_id, item_name, item_sold) VALUES (?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?";
    }

    static String storeSalesPerMinuteQuery(String keyspace) {
        return windowQuery(keyspace, ViewTable.STORE_SALES_PER_MINUTE.table(), "store_id");
    }

    static String itemSalesPerHourQuery(String keyspace) {
        return windowQuery(keyspace, ViewTable.ITEM_SALES_PER_HOUR.table(), "item_name");
    }

    private static String windowQuery(String keyspace, String table, String keyColumn) {
        return "INSERT INTO " + keyspace + "." + table + " (" + keyColumn + ", window_date, window_start, window_end, units, events, final) VALUES (?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?";
    }

    static String topItemsQuery(String keyspace) {
        return "INSERT INTO " + keyspace + ".top_items_per_store_hour (store_id, window_date, window_start, rank, item_name, units, final) VALUES (?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?";
    }

    /** Every view's upsert, in the order of {@link ViewTable}. */
    static List<String> upserts(String keyspace) {
        return List.of(itemSalesQuery(keyspace), salesByStoreDayQuery(keyspace), storeSalesPerMinuteQuery(keyspace), itemSalesPerHourQuery(keyspace),
                topItemsQuery(keyspace));
    }

    static final TypeInformation<Tuple8<String, String, String, Date, LocalDate, String, Integer, Long>> ITEM_SALES_ROW =
            Types.TUPLE(Types.STRING, Types.STRING, Types.STRING, TypeInformation.of(Date.class), Types.LOCAL_DATE, Types.STRING, Types.INT, Types.LONG);

    static final TypeInformation<Tuple8<String, LocalDate, Date, String, String, String, Integer, Long>> STORE_DAY_ROW =
            Types.TUPLE(Types.STRING, Types.LOCAL_DATE, TypeInformation.of(Date.class), Types.STRING, Types.STRING, Types.STRING, Types.INT, Types.LONG);

    static final TypeInformation<Tuple8<String, LocalDate, Date, Date, Long, Long, Boolean, Long>> WINDOW_ROW =
            Types.TUPLE(Types.STRING, Types.LOCAL_DATE, TypeInformation.of(Date.class), TypeInformation.of(Date.class), Types.LONG, Types.LONG, Types.BOOLEAN, Types.LONG);

    static final TypeInformation<Tuple8<String, LocalDate, Date, Integer, String, Long, Boolean, Long>> TOP_ITEMS_ROW =
            Types.TUPLE(Types.STRING, Types.LOCAL_DATE, TypeInformation.of(Date.class), Types.INT, Types.STRING, Types.LONG, Types.BOOLEAN, Types.LONG);

    static LocalDate utcDate(long epochMs) {
        return Instant.ofEpochMilli(epochMs).atZone(ZoneOffset.UTC).toLocalDate();
    }

    /** Digits of the widest partition number and offset: fixed widths make text order the log order. */
    private static final int PARTITION_DIGITS = 10;
    private static final int OFFSET_DIGITS = 19;

    /**
     * {@code <partition>-<offset>}, both zero-padded to their widest value, so that comparing two
     * positions byte by byte (as Cassandra compares two values of one write timestamp) orders them
     * as the log does.
     */
    static String logPosition(int partition, long offset) {
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

    /**
     * View 1: newest event time wins, whatever order events arrive or are replayed in; of sales in
     * the same millisecond, the later in the log (see {@link #logPosition}).
     */
    static final class ItemSales extends ViewRowMapper<SaleEvent, Tuple8<String, String, String, Date, LocalDate, String, Integer, Long>> {
        private static final long serialVersionUID = 1L;

        ItemSales() {
            super(ViewTable.ITEM_SALES.table());
        }

        @Override
        Tuple8<String, String, String, Date, LocalDate, String, Integer, Long> toRow(SaleEvent e) {
            return Tuple8.of(e.itemId, logPosition(e.sourcePartition, e.sourceOffset), e.storeId, new Date(e.timestampMs), e.timestampDate(), e.itemName,
                    e.itemSold, eventTimeMicros(e.timestampMs));
        }
    }

    /** View 2: one row per log position, so replays upsert the same rows. */
    static final class SalesByStoreDay extends ViewRowMapper<SaleEvent, Tuple8<String, LocalDate, Date, String, String, String, Integer, Long>> {
        private static final long serialVersionUID = 1L;

        SalesByStoreDay() {
            super(ViewTable.SALES_BY_STORE_DAY.table());
        }

        @Override
        Tuple8<String, LocalDate, Date, String, String, String, Integer, Long> toRow(SaleEvent e) {
            return Tuple8.of(e.storeId, e.timestampDate(), new Date(e.timestampMs), e.eventId(), e.itemId, e.itemName, e.itemSold,
                    eventTimeMicros(e.timestampMs));
        }
    }

    /** Views 3 and 4: a window's latest final emission wins, else its latest early one. */
    static final class Window extends ViewRowMapper<WindowAggregate, Tuple8<String, LocalDate, Date, Date, Long, Long, Boolean, Long>> {
        private static final long serialVersionUID = 1L;

        Window(String view) {
            super(view);
        }

        @Override
        Tuple8<String, LocalDate, Date, Date, Long, Long, Boolean, Long> toRow(WindowAggregate w) {
            return Tuple8.of(w.key, utcDate(w.windowStartMs), new Date(w.windowStartMs), new Date(w.windowEndMs), w.units, w.events,
                    w.finalResult, aggregateMicros(w.finalResult));
        }
    }

    /** View 5: a rank's latest final emission wins, else its latest early one. */
    static final class TopItems extends ViewRowMapper<TopItemsRank, Tuple8<String, LocalDate, Date, Integer, String, Long, Boolean, Long>> {
        private static final long serialVersionUID = 1L;

        TopItems() {
            super(ViewTable.TOP_ITEMS_PER_STORE_HOUR.table());
        }

        @Override
        Tuple8<String, LocalDate, Date, Integer, String, Long, Boolean, Long> toRow(TopItemsRank r) {
            return Tuple8.of(r.storeId, utcDate(r.windowStartMs), new Date(r.windowStartMs), r.rank, r.itemName, r.units, r.finalResult,
                    aggregateMicros(r.finalResult));
        }
    }
}
