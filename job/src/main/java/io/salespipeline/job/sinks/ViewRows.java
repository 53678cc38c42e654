package io.salespipeline.job.sinks;

import io.salespipeline.contract.ViewSchema;
import io.salespipeline.contract.ViewStatements;
import io.salespipeline.contract.ViewTable;
import io.salespipeline.job.records.SaleEvent;
import io.salespipeline.job.records.TopItemsRank;
import io.salespipeline.job.records.WindowAggregate;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple;
import org.apache.flink.api.java.tuple.Tuple8;

/** The rows of each view: the bind values of its upsert ({@link ViewStatements}) in order, and their Flink types. */
final class ViewRows {

    private ViewRows() {}

    static final TypeInformation<Tuple8<String, String, String, Date, LocalDate, String, Integer, Long>>
            ITEM_SALES_ROW = Types.TUPLE(
                    Types.STRING,
                    Types.STRING,
                    Types.STRING,
                    TypeInformation.of(Date.class),
                    Types.LOCAL_DATE,
                    Types.STRING,
                    Types.INT,
                    Types.LONG);

    static final TypeInformation<Tuple8<String, LocalDate, Date, String, String, String, Integer, Long>> STORE_DAY_ROW =
            Types.TUPLE(
                    Types.STRING,
                    Types.LOCAL_DATE,
                    TypeInformation.of(Date.class),
                    Types.STRING,
                    Types.STRING,
                    Types.STRING,
                    Types.INT,
                    Types.LONG);

    static final TypeInformation<Tuple8<String, LocalDate, Date, Integer, String, Long, Boolean, Long>> TOP_ITEMS_ROW =
            Types.TUPLE(
                    Types.STRING,
                    Types.LOCAL_DATE,
                    TypeInformation.of(Date.class),
                    Types.INT,
                    Types.STRING,
                    Types.LONG,
                    Types.BOOLEAN,
                    Types.LONG);

    static LocalDate utcDate(long epochMs) {
        return Instant.ofEpochMilli(epochMs).atZone(ZoneOffset.UTC).toLocalDate();
    }

    /**
     * View 1: newest event time wins, whatever order events arrive or are replayed in; of sales in
     * the same millisecond, the later in the log (see {@link ViewStatements#logPosition}).
     */
    static final class ItemSales
            extends ViewRowMapper<SaleEvent, Tuple8<String, String, String, Date, LocalDate, String, Integer, Long>> {
        private static final long serialVersionUID = 1L;

        ItemSales() {
            super(ViewTable.ITEM_SALES.table());
        }

        @Override
        Tuple8<String, String, String, Date, LocalDate, String, Integer, Long> toRow(SaleEvent e) {
            return Tuple8.of(
                    e.itemId,
                    ViewStatements.logPosition(e.sourcePartition, e.sourceOffset),
                    e.storeId,
                    new Date(e.timestampMs),
                    e.timestampDate(),
                    e.itemName,
                    e.itemSold,
                    eventTimeMicros(e.timestampMs));
        }
    }

    /** View 2: one row per log position, so replays upsert the same rows. */
    static final class SalesByStoreDay
            extends ViewRowMapper<SaleEvent, Tuple8<String, LocalDate, Date, String, String, String, Integer, Long>> {
        private static final long serialVersionUID = 1L;

        SalesByStoreDay() {
            super(ViewTable.SALES_BY_STORE_DAY.table());
        }

        @Override
        Tuple8<String, LocalDate, Date, String, String, String, Integer, Long> toRow(SaleEvent e) {
            return Tuple8.of(
                    e.storeId,
                    e.timestampDate(),
                    new Date(e.timestampMs),
                    e.eventId(),
                    e.itemId,
                    e.itemName,
                    e.itemSold,
                    eventTimeMicros(e.timestampMs));
        }
    }

    /**
     * Views 3 and 4: a window's latest final emission wins, else its latest early one. The row is
     * key, date, start, end, units, events, final, then (enriched logic) revenue and unpriced events,
     * then the write timestamp.
     */
    static final class Window extends ViewRowMapper<WindowAggregate, Tuple> {
        private static final long serialVersionUID = 1L;

        private final boolean enriched;

        Window(String view, ViewSchema schema) {
            super(view);
            this.enriched = schema == ViewSchema.ENRICHED;
        }

        static TypeInformation<Tuple> rowType(ViewSchema schema) {
            List<TypeInformation<?>> fields = new ArrayList<>(List.of(
                    Types.STRING,
                    Types.LOCAL_DATE,
                    TypeInformation.of(Date.class),
                    TypeInformation.of(Date.class),
                    Types.LONG,
                    Types.LONG,
                    Types.BOOLEAN));
            if (schema == ViewSchema.ENRICHED) {
                fields.addAll(List.of(Types.BIG_DEC, Types.LONG));
            }
            fields.add(Types.LONG);
            return Types.TUPLE(fields.toArray(TypeInformation[]::new));
        }

        @Override
        Tuple toRow(WindowAggregate w) {
            List<Object> values = new ArrayList<>(List.of(
                    w.key,
                    utcDate(w.windowStartMs),
                    new Date(w.windowStartMs),
                    new Date(w.windowEndMs),
                    w.units,
                    w.events,
                    w.finalResult));
            if (enriched) {
                values.addAll(List.of(w.revenue, w.unpricedEvents));
            }
            values.add(aggregateMicros(w.finalResult));
            Tuple row = Tuple.newInstance(values.size());
            for (int i = 0; i < values.size(); i++) {
                row.setField(values.get(i), i);
            }
            return row;
        }
    }

    /** View 5: a rank's latest final emission wins, else its latest early one. */
    static final class TopItems
            extends ViewRowMapper<TopItemsRank, Tuple8<String, LocalDate, Date, Integer, String, Long, Boolean, Long>> {
        private static final long serialVersionUID = 1L;

        TopItems() {
            super(ViewTable.TOP_ITEMS_PER_STORE_HOUR.table());
        }

        @Override
        Tuple8<String, LocalDate, Date, Integer, String, Long, Boolean, Long> toRow(TopItemsRank r) {
            return Tuple8.of(
                    r.storeId,
                    utcDate(r.windowStartMs),
                    new Date(r.windowStartMs),
                    r.rank,
                    r.itemName,
                    r.units,
                    r.finalResult,
                    aggregateMicros(r.finalResult));
        }
    }
}
