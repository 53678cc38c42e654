package io.salespipeline.job.functions;

import io.salespipeline.contract.ViewTable;
import io.salespipeline.job.records.LatePartial;
import io.salespipeline.job.records.SaleEvent;
import io.salespipeline.job.records.SalesTally;
import io.salespipeline.job.records.TallyPartial;
import io.salespipeline.job.records.TopItemsRank;
import io.salespipeline.job.records.WindowAggregate;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.OutputTag;

/**
 * Builds the aggregation half of the job. Every operator created here gets a stable uid (savepoint
 * compatibility) and a name; every key and record type is a String, a Tuple of basic types or a
 * POJO, so the graph runs with generic types disabled.
 *
 * <p>Feed the window builders the output of {@link #gateLateEvents}, and give every builder the same
 * allowed lateness: the gate is what defines lateness, the windows only have to keep every event it
 * forwards. Each window is fed by a {@link LocalTally} chained to the gate, so the shuffle carries
 * partial sums, not events. A partial a window finds beyond its lateness anyway (only after a
 * subtask's partitions were all idle, see {@link LatenessGate}) leaves through {@link #LATE_PARTIALS}
 * to the late topic ({@link #latePartials}), never dropped: {@code numLateRecordsDropped} stays 0.
 */
public final class SalesAggregations {

    public static final String LATENESS_GATE_UID = "lateness-gate";
    public static final String STORE_WINDOW_UID = "store-minute-window";
    public static final String ITEM_WINDOW_UID = "item-hour-window";
    public static final String TOP_ITEMS_WINDOW_UID = "top-items-hour-window";
    public static final String REGION_WINDOW_UID = "region-hour-window";
    /** Suffix of the uid of a window's local pre-aggregation. */
    public static final String LOCAL_TALLY_UID_SUFFIX = "-local-tally";

    /**
     * Partials a window found beyond its lateness, which the gate cannot see coming when every
     * partition of a subtask was idle while the others moved on (see {@link LatePartial}).
     */
    public static final OutputTag<TallyPartial> LATE_PARTIALS =
            new OutputTag<>("late-partials", TypeInformation.of(TallyPartial.class));

    /** A window's sum of units and events. */
    private static final Aggregation<SalesTally, SalesTally> SUM = new Aggregation<>(
            new SalesTallyAggregate(), TypeInformation.of(SalesTally.class), TypeInformation.of(SalesTally.class));
    /** A window's sums per item. */
    private static final Aggregation<Map<String, SalesTally>, Map<String, SalesTally>> PER_ITEM =
            new Aggregation<>(new ItemTalliesAggregate(), ItemTalliesAggregate.TYPE, ItemTalliesAggregate.TYPE);

    private SalesAggregations() {}

    /**
     * Drops events beyond the allowed lateness; they come out of the returned operator's side output
     * {@link LatenessGate#LATE_EVENTS} and are counted in the {@code late_events} metric.
     *
     * @param outOfOrderness the source's bound per partition, which defines a partition's watermark
     */
    public static SingleOutputStreamOperator<SaleEvent> gateLateEvents(
            DataStream<SaleEvent> events, Duration allowedLateness, Duration outOfOrderness) {
        return events.transform(
                        "Lateness gate",
                        TypeInformation.of(SaleEvent.class),
                        new LatenessGate(allowedLateness, outOfOrderness))
                .uid(LATENESS_GATE_UID);
    }

    /** {@code store_sales_per_minute}: units and events per store id and window. */
    public static SingleOutputStreamOperator<WindowAggregate> storeSales(DataStream<SaleEvent> gated, WindowSpec spec) {
        return tumblingTally(
                gated,
                LocalTally.Key.STORE,
                spec,
                SUM,
                new WindowAggregateFunction(LocalTally.Key.STORE),
                WindowAggregate.class,
                STORE_WINDOW_UID,
                "Store sales per window");
    }

    /** {@code item_sales_per_hour}: units and events per item name (across stores) and window. */
    public static SingleOutputStreamOperator<WindowAggregate> itemSales(DataStream<SaleEvent> gated, WindowSpec spec) {
        return tumblingTally(
                gated,
                LocalTally.Key.ITEM,
                spec,
                SUM,
                new WindowAggregateFunction(LocalTally.Key.ITEM),
                WindowAggregate.class,
                ITEM_WINDOW_UID,
                "Item sales per window");
    }

    /**
     * {@code region_sales_per_hour}: units, revenue and events per store region and window, of sales the enrichment
     * join has given a region ({@code unknown} for a store the directory does not list).
     */
    public static SingleOutputStreamOperator<WindowAggregate> regionSales(
            DataStream<SaleEvent> joined, WindowSpec spec) {
        return tumblingTally(
                joined,
                LocalTally.Key.REGION,
                spec,
                SUM,
                new WindowAggregateFunction(LocalTally.Key.REGION),
                WindowAggregate.class,
                REGION_WINDOW_UID,
                "Region sales per window");
    }

    /**
     * {@code top_items_per_store_hour}: the top {@code topN} items by units per store and window,
     * ranked by the window itself from its per-item sums, so the ranking has the window's lateness
     * and closed-window routing like every other view.
     */
    public static SingleOutputStreamOperator<TopItemsRank> topItems(
            DataStream<SaleEvent> gated, WindowSpec spec, int topN) {
        return tumblingTally(
                gated,
                LocalTally.Key.STORE_AND_ITEM,
                spec,
                PER_ITEM,
                new TopItemsWindowFunction(topN),
                TopItemsRank.class,
                TOP_ITEMS_WINDOW_UID,
                "Top items per store and window");
    }

    /**
     * A tumbling window's size, the gate's allowed lateness, the early-result interval, and the pre-aggregation limits.
     */
    public record WindowSpec(Duration size, Duration allowedLateness, Duration earlyFiring, LocalTally.Limits local) {}

    /** How a window sums its partials, with the types of its accumulator and result. */
    private record Aggregation<ACC, R>(
            AggregateFunction<TallyPartial, ACC, R> function,
            TypeInformation<ACC> accumulator,
            TypeInformation<R> result) {}

    /**
     * Units and events per key in tumbling event-time windows, pre-aggregated on each subtask per
     * {@code localKey}, with early results and the window lateness that keeps every event the gate
     * forwards. Windows are keyed by a string: a store id, an item name or a region.
     */
    private static <ACC, R, OUT> SingleOutputStreamOperator<OUT> tumblingTally(
            DataStream<SaleEvent> gated,
            LocalTally.Key localKey,
            WindowSpec spec,
            Aggregation<ACC, R> aggregation,
            ProcessWindowFunction<R, OUT, String, TimeWindow> emit,
            Class<OUT> outType,
            String uid,
            String name) {
        return gated.transform(
                        "Pre-aggregate " + name.toLowerCase(Locale.ROOT),
                        TypeInformation.of(TallyPartial.class),
                        new LocalTally(localKey, spec.size(), spec.local()))
                .uid(uid + LOCAL_TALLY_UID_SUFFIX)
                .keyBy(localKey::windowKey, Types.STRING)
                .window(TumblingEventTimeWindows.of(spec.size()))
                .trigger(new EarlyFiringEventTimeTrigger(spec.earlyFiring()))
                .allowedLateness(windowLateness(spec.allowedLateness()))
                .sideOutputLateData(LATE_PARTIALS)
                .aggregate(
                        aggregation.function(),
                        emit,
                        aggregation.accumulator(),
                        aggregation.result(),
                        TypeInformation.of(outType))
                .uid(uid)
                .name(name);
    }

    /** The late envelopes of what {@code window} (one of this class's windows) found closed, for {@code view}. */
    public static SingleOutputStreamOperator<LatePartial> latePartials(
            SingleOutputStreamOperator<?> window, ViewTable view, Duration windowSize) {
        return window.getSideOutput(LATE_PARTIALS)
                .map(new LatePartials(view, windowSize), TypeInformation.of(LatePartial.class))
                .uid(view.table() + "-late-partials")
                .name("Closed-window sales of " + view.table());
    }

    /**
     * The lateness the window operators need to keep every event the gate forwards: one millisecond
     * more than the gate's. Flink drops a window once {@code maxTimestamp + lateness <= watermark},
     * while the gate forwards an event as long as {@code timestampMs + lateness >= watermark}; for an
     * event in the window's last millisecond both hold at equality, and without the extra millisecond
     * the window would silently drop an event the gate did not count as late.
     */
    public static Duration windowLateness(Duration allowedLateness) {
        return allowedLateness.plusMillis(1);
    }
}
