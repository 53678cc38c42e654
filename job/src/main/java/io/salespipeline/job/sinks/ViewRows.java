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
            return tupleType(
                    schema,
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
            return tuple(values, aggregateMicros(w.finalResult));
        }
    }

    /**
     * View 5: a rank's latest final emission wins, else its latest early one. The row is store, date, start, rank,
     * item, units, final, then (enriched logic) category and revenue, then the write timestamp.
     */
    static final class TopItems extends ViewRowMapper<TopItemsRank, Tuple> {
        private static final long serialVersionUID = 1L;

        private final boolean enriched;

        TopItems(ViewSchema schema) {
            super(ViewTable.TOP_ITEMS_PER_STORE_HOUR.table());
            this.enriched = schema == ViewSchema.ENRICHED;
        }

        static TypeInformation<Tuple> rowType(ViewSchema schema) {
            return tupleType(
                    schema,
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
        Tuple toRow(TopItemsRank r) {
            List<Object> values = new ArrayList<>(List.of(
                    r.storeId,
                    utcDate(r.windowStartMs),
                    new Date(r.windowStartMs),
                    r.rank,
                    r.itemName,
                    r.units,
                    r.finalResult));
            if (enriched) {
                // a ranked item without a priced sale has no category: the cell stays empty, as for a plain row
                values.add(r.category);
                values.add(r.revenue);
            }
            return tuple(values, aggregateMicros(r.finalResult));
        }
    }

    /**
     * The type of a row of {@code plainFields}, then (enriched logic) {@code enrichedFields}, then its write
     * timestamp.
     */
    private static TypeInformation<Tuple> tupleType(
            ViewSchema schema, List<TypeInformation<?>> plainFields, List<TypeInformation<?>> enrichedFields) {
        List<TypeInformation<?>> all = new ArrayList<>(plainFields);
        if (schema == ViewSchema.ENRICHED) {
            all.addAll(enrichedFields);
        }
        all.add(Types.LONG);
        return Types.TUPLE(all.toArray(TypeInformation[]::new));
    }

    /** A row of {@code values} (nulls allowed: List.of would refuse them), then its write timestamp. */
    private static Tuple tuple(List<Object> values, long writeMicros) {
        Tuple row = Tuple.newInstance(values.size() + 1);
        for (int i = 0; i < values.size(); i++) {
            row.setField(values.get(i), i);
        }
        row.setField(writeMicros, values.size());
        return row;
    }
}
