package io.salespipeline.job.sinks;

import io.salespipeline.contract.ViewSchema;
import io.salespipeline.contract.ViewStatements;
import io.salespipeline.contract.ViewTable;
import io.salespipeline.job.records.SaleEvent;
import io.salespipeline.job.records.TopItemsRank;
import io.salespipeline.job.records.WindowAggregate;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple;
import org.apache.flink.api.java.tuple.Tuple9;

/** The rows of each view: the bind values of its upsert ({@link ViewStatements}) in order, and their Flink types. */
final class ViewRows {

    private ViewRows() {}

    static final TypeInformation<Tuple9<String, String, String, Date, LocalDate, String, Integer, Integer, Long>>
            ITEM_SALES_ROW = Types.TUPLE(
                    Types.STRING,
                    Types.STRING,
                    Types.STRING,
                    TypeInformation.of(Date.class),
                    Types.LOCAL_DATE,
                    Types.STRING,
                    Types.INT,
                    Types.INT,
                    Types.LONG);

    static LocalDate utcDate(long epochMs) {
        return Instant.ofEpochMilli(epochMs).atZone(ZoneOffset.UTC).toLocalDate();
    }

    /**
     * View 1: newest event time wins, whatever order events arrive or are replayed in; of sales in
     * the same millisecond, the later in the log (see {@link ViewStatements#logPosition}).
     */
    static final class ItemSales
            extends ViewRowMapper<
                    SaleEvent, Tuple9<String, String, String, Date, LocalDate, String, Integer, Integer, Long>> {
        private static final long serialVersionUID = 1L;

        ItemSales(Duration retention) {
            super(ViewTable.ITEM_SALES.table(), retention);
        }

        @Override
        Tuple9<String, String, String, Date, LocalDate, String, Integer, Integer, Long> toRow(
                SaleEvent e, int ttlSeconds) {
            return Tuple9.of(
                    e.itemId,
                    ViewStatements.logPosition(e.sourcePartition, e.sourceOffset),
                    e.storeId,
                    new Date(e.timestampMs),
                    e.timestampDate(),
                    e.itemName,
                    e.itemSold,
                    ttlSeconds,
                    eventTimeMicros(e.timestampMs));
        }

        @Override
        long retainedFromMs(SaleEvent e) {
            return e.timestampMs;
        }
    }

    /**
     * The row of a view whose enriched logic adds columns: the plain fields, then (enriched logic) the added ones,
     * then the TTL and the write timestamp, as in the view's upsert for the version's schema.
     */
    abstract static class SchemaRow<IN> extends ViewRowMapper<IN, Tuple> {
        private static final long serialVersionUID = 1L;

        private final boolean enriched;
        private final TypeInformation<Tuple> rowType;

        SchemaRow(
                String view,
                ViewSchema schema,
                Duration retention,
                List<TypeInformation<?>> plainFields,
                List<TypeInformation<?>> enrichedFields) {
            super(view, retention);
            this.enriched = schema == ViewSchema.ENRICHED;
            List<TypeInformation<?>> all = new ArrayList<>(plainFields);
            if (enriched) {
                all.addAll(enrichedFields);
            }
            all.add(Types.INT);
            all.add(Types.LONG);
            this.rowType = Types.TUPLE(all.toArray(TypeInformation[]::new));
        }

        TypeInformation<Tuple> rowType() {
            return rowType;
        }

        abstract List<Object> plainValues(IN record);

        /** May hold nulls: an empty cell, as in a plain row. */
        abstract List<Object> enrichedValues(IN record);

        abstract long writeMicros(IN record);

        @Override
        final Tuple toRow(IN record, int ttlSeconds) {
            List<Object> values = new ArrayList<>(plainValues(record));
            if (enriched) {
                values.addAll(enrichedValues(record));
            }
            values.add(ttlSeconds);
            values.add(writeMicros(record));
            Tuple row = Tuple.newInstance(values.size());
            for (int i = 0; i < values.size(); i++) {
                row.setField(values.get(i), i);
            }
            return row;
        }
    }

    /**
     * View 2: one row per log position, so replays upsert the same rows. The row is store, date, time, event id,
     * item id, item name, units, then (enriched logic) the store's region, then the write timestamp.
     */
    static final class SalesByStoreDay extends SchemaRow<SaleEvent> {
        private static final long serialVersionUID = 1L;

        SalesByStoreDay(ViewSchema schema, Duration retention) {
            super(
                    ViewTable.SALES_BY_STORE_DAY.table(),
                    schema,
                    retention,
                    List.of(
                            Types.STRING,
                            Types.LOCAL_DATE,
                            TypeInformation.of(Date.class),
                            Types.STRING,
                            Types.STRING,
                            Types.STRING,
                            Types.INT),
                    List.of(Types.STRING));
        }

        @Override
        List<Object> plainValues(SaleEvent e) {
            return List.of(
                    e.storeId,
                    e.timestampDate(),
                    new Date(e.timestampMs),
                    e.eventId(),
                    e.itemId,
                    e.itemName,
                    e.itemSold);
        }

        @Override
        List<Object> enrichedValues(SaleEvent e) {
            return Arrays.asList(e.region);
        }

        @Override
        long writeMicros(SaleEvent e) {
            return eventTimeMicros(e.timestampMs);
        }

        @Override
        long retainedFromMs(SaleEvent e) {
            return e.timestampMs;
        }
    }

    /**
     * Views 3, 4 and 6: a window's latest final emission wins, else its latest early one. The row is key, date,
     * start, end, units, events, final, then (enriched logic) revenue and unpriced events, then the write timestamp.
     */
    static final class Window extends SchemaRow<WindowAggregate> {
        private static final long serialVersionUID = 1L;

        Window(String view, ViewSchema schema, Duration retention) {
            super(
                    view,
                    schema,
                    retention,
                    List.of(
                            Types.STRING,
                            Types.LOCAL_DATE,
                            TypeInformation.of(Date.class),
                            TypeInformation.of(Date.class),
                            Types.LONG,
                            Types.LONG,
                            Types.BOOLEAN),
                    List.of(Types.BIG_DEC, Types.LONG));
        }

        @Override
        List<Object> plainValues(WindowAggregate w) {
            return List.of(
                    w.key,
                    utcDate(w.windowStartMs),
                    new Date(w.windowStartMs),
                    new Date(w.windowEndMs),
                    w.units,
                    w.events,
                    w.finalResult);
        }

        @Override
        List<Object> enrichedValues(WindowAggregate w) {
            return Arrays.asList(w.revenue, w.unpricedEvents);
        }

        @Override
        long writeMicros(WindowAggregate w) {
            return aggregateMicros(w.finalResult);
        }

        @Override
        long retainedFromMs(WindowAggregate w) {
            return w.windowEndMs;
        }
    }

    /**
     * View 5: a rank's latest final emission wins, else its latest early one. The row is store, date, start, rank,
     * item, units, final, then (enriched logic) category and revenue, then the write timestamp.
     */
    static final class TopItems extends SchemaRow<TopItemsRank> {
        private static final long serialVersionUID = 1L;

        TopItems(ViewSchema schema, Duration retention) {
            super(
                    ViewTable.TOP_ITEMS_PER_STORE_HOUR.table(),
                    schema,
                    retention,
                    List.of(
                            Types.STRING,
                            Types.LOCAL_DATE,
                            TypeInformation.of(Date.class),
                            Types.INT,
                            Types.STRING,
                            Types.LONG,
                            Types.BOOLEAN),
                    List.of(Types.STRING, Types.BIG_DEC));
        }

        @Override
        List<Object> plainValues(TopItemsRank r) {
            return List.of(
                    r.storeId,
                    utcDate(r.windowStartMs),
                    new Date(r.windowStartMs),
                    r.rank,
                    r.itemName,
                    r.units,
                    r.finalResult);
        }

        /** A ranked item without a priced sale has no category. */
        @Override
        List<Object> enrichedValues(TopItemsRank r) {
            return Arrays.asList(r.category, r.revenue);
        }

        @Override
        long writeMicros(TopItemsRank r) {
            return aggregateMicros(r.finalResult);
        }

        @Override
        long retainedFromMs(TopItemsRank r) {
            return r.windowEndMs;
        }
    }
}
