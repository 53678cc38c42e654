package io.salespipeline.job.functions;

import io.salespipeline.job.records.SaleEvent;
import io.salespipeline.job.records.SalesTally;
import io.salespipeline.job.records.StoreItemAggregate;
import io.salespipeline.job.records.TopItemsRank;
import io.salespipeline.job.records.WindowAggregate;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple2;
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
 * forwards. The window late tags are a safety net; with the gate upstream they stay empty.
 */
public final class SalesAggregations {

    public static final String LATENESS_GATE_UID = "lateness-gate";
    public static final String STORE_WINDOW_UID = "store-minute-window";
    public static final String ITEM_WINDOW_UID = "item-hour-window";
    public static final String STORE_ITEM_WINDOW_UID = "store-item-hour-window";
    public static final String TOP_ITEMS_UID = "top-items-per-store-hour";

    public static final OutputTag<SaleEvent> STORE_WINDOW_LATE =
            new OutputTag<>(STORE_WINDOW_UID + "-late", TypeInformation.of(SaleEvent.class));
    public static final OutputTag<SaleEvent> ITEM_WINDOW_LATE =
            new OutputTag<>(ITEM_WINDOW_UID + "-late", TypeInformation.of(SaleEvent.class));
    public static final OutputTag<SaleEvent> STORE_ITEM_WINDOW_LATE =
            new OutputTag<>(STORE_ITEM_WINDOW_UID + "-late", TypeInformation.of(SaleEvent.class));

    private static final TypeInformation<Tuple2<String, String>> STORE_ITEM_KEY =
            Types.TUPLE(Types.STRING, Types.STRING);
    private static final TypeInformation<Tuple2<String, Long>> STORE_WINDOW_KEY =
            Types.TUPLE(Types.STRING, Types.LONG);

    private SalesAggregations() {}

    /**
     * Drops events beyond the allowed lateness; they come out of the returned operator's side output
     * {@link LatenessGate#LATE_SALES} and are counted in the {@code late_events} metric.
     */
    public static SingleOutputStreamOperator<SaleEvent> gateLateEvents(
            DataStream<SaleEvent> events, Duration allowedLateness) {
        return events.transform("Lateness gate", TypeInformation.of(SaleEvent.class), new LatenessGate(allowedLateness))
                .uid(LATENESS_GATE_UID);
    }

    /** {@code store_sales_per_minute}: units and events per store id and window. */
    public static SingleOutputStreamOperator<WindowAggregate> storeSales(
            DataStream<SaleEvent> gated, Duration windowSize, Duration allowedLateness, Duration earlyFiring) {
        return tumblingTally(gated, event -> event.storeId, Types.STRING, windowSize, allowedLateness, earlyFiring,
                STORE_WINDOW_LATE, new WindowAggregateFunction(), WindowAggregate.class)
                .uid(STORE_WINDOW_UID)
                .name("Store sales per window");
    }

    /** {@code item_sales_per_hour}: units and events per item name (across stores) and window. */
    public static SingleOutputStreamOperator<WindowAggregate> itemSales(
            DataStream<SaleEvent> gated, Duration windowSize, Duration allowedLateness, Duration earlyFiring) {
        return tumblingTally(gated, event -> event.itemName, Types.STRING, windowSize, allowedLateness, earlyFiring,
                ITEM_WINDOW_LATE, new WindowAggregateFunction(), WindowAggregate.class)
                .uid(ITEM_WINDOW_UID)
                .name("Item sales per window");
    }

    /** Per-(store id, item name) partials for {@link #topItems}: units and events per window. */
    public static SingleOutputStreamOperator<StoreItemAggregate> storeItemSales(
            DataStream<SaleEvent> gated, Duration windowSize, Duration allowedLateness, Duration earlyFiring) {
        return tumblingTally(gated, event -> Tuple2.of(event.storeId, event.itemName), STORE_ITEM_KEY, windowSize, allowedLateness,
                earlyFiring, STORE_ITEM_WINDOW_LATE, new StoreItemAggregateFunction(), StoreItemAggregate.class)
                .uid(STORE_ITEM_WINDOW_UID)
                .name("Store item sales per window");
    }

    /**
     * Units and events per key in tumbling event-time windows, with early results, the window
     * lateness that keeps every event the gate forwards, and dropped events in {@code lateTag}.
     */
    private static <K, OUT> SingleOutputStreamOperator<OUT> tumblingTally(
            DataStream<SaleEvent> gated, KeySelector<SaleEvent, K> key, TypeInformation<K> keyType, Duration windowSize,
            Duration allowedLateness, Duration earlyFiring, OutputTag<SaleEvent> lateTag,
            ProcessWindowFunction<SalesTally, OUT, K, TimeWindow> emit, Class<OUT> outType) {
        return gated.keyBy(key, keyType)
                .window(TumblingEventTimeWindows.of(windowSize))
                .trigger(new EarlyFiringEventTimeTrigger(earlyFiring))
                .allowedLateness(windowLateness(allowedLateness))
                .sideOutputLateData(lateTag)
                .aggregate(
                        new SalesTallyAggregate(),
                        emit,
                        TypeInformation.of(SalesTally.class),
                        TypeInformation.of(SalesTally.class),
                        TypeInformation.of(outType));
    }

    /** {@code top_items_per_store_hour}: the top {@code topN} items by units per store and window. */
    public static SingleOutputStreamOperator<TopItemsRank> topItems(
            DataStream<StoreItemAggregate> storeItemSales, Duration allowedLateness, int topN) {
        return storeItemSales
                .keyBy(partial -> Tuple2.of(partial.storeId, partial.windowStartMs), STORE_WINDOW_KEY)
                .process(new TopItemsFunction(topN, allowedLateness), TypeInformation.of(TopItemsRank.class))
                .uid(TOP_ITEMS_UID)
                .name("Top items per store and window");
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
