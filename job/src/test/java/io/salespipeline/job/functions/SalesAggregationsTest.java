package io.salespipeline.job.functions;

import static io.salespipeline.job.functions.Sales.HOUR;
import static io.salespipeline.job.functions.Sales.MINUTE;
import static io.salespipeline.job.functions.Sales.sale;
import static io.salespipeline.job.functions.Sales.window;
import static org.assertj.core.api.Assertions.assertThat;

import io.salespipeline.job.records.LateEvent;
import io.salespipeline.job.records.LateReason;
import io.salespipeline.job.records.SaleEvent;
import io.salespipeline.job.records.SalesTally;
import io.salespipeline.job.records.TallyPartial;
import io.salespipeline.job.records.TopItemsRank;
import io.salespipeline.job.records.WindowAggregate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

// disableGenericTypes() is deprecated in Flink 1.20 but still honoured.
@SuppressWarnings("deprecation")
class SalesAggregationsTest {

    private static final Duration ONE_MINUTE = Duration.ofMinutes(1);
    private static final Duration ONE_HOUR = Duration.ofHours(1);
    private static final Duration LATENESS = Duration.ofSeconds(60);
    private static final Duration EARLY = Duration.ofSeconds(5);

    @ParameterizedTest
    @ValueSource(
            classes = {
                SaleEvent.class,
                LateEvent.class,
                SalesTally.class,
                TallyPartial.class,
                WindowAggregate.class,
                TopItemsRank.class
            })
    void recordsAreSerializedAsPojosWithoutKryo(Class<?> recordClass) {
        TypeInformation<?> type = TypeInformation.of(recordClass);
        ExecutionConfig noGenericTypes = new ExecutionConfig();
        noGenericTypes.disableGenericTypes();

        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        // Throws if any field, however nested, would need Kryo.
        assertThat(type.createSerializer(noGenericTypes.getSerializerConfig())).isNotNull();
    }

    @Test
    void theWholeGraphHasAUidOnEveryOperatorAndNoGenericTypes() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        wholeGraph(env);

        StreamGraph graph = env.getStreamGraph();

        assertThat(graph.getStreamNodes().stream().map(StreamNode::getTransformationUID))
                .doesNotContainNull()
                .contains(
                        "lateness-gate",
                        "store-minute-window-local-tally",
                        "item-hour-window-local-tally",
                        "top-items-hour-window-local-tally",
                        "store-minute-window",
                        "item-hour-window",
                        "top-items-hour-window");
        assertThat(graph.getStreamNodes().stream().map(StreamNode::getOperatorName))
                .contains(
                        "Lateness gate",
                        "Store sales per window",
                        "Item sales per window",
                        "Top items per store and window");
    }

    @Test
    void theGateAndTheLocalSumsRunInTheChainOfTheirInputSoEventsNeverCrossTheNetwork() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        wholeGraph(env);

        List<String> vertices = new ArrayList<>();
        env.getStreamGraph().getJobGraph().getVertices().forEach(vertex -> vertices.add(vertex.getName()));

        assertThat(vertices)
                .filteredOn(name -> name.contains("Lateness gate"))
                .singleElement()
                .satisfies(chain -> assertThat(chain)
                        .contains(
                                "Source",
                                "Pre-aggregate store sales per window",
                                "Pre-aggregate item sales per window",
                                "Pre-aggregate top items per store and window"));
    }

    /** Gate, windows and top-N behind a one-event source, every output into a discarding sink. */
    private static void wholeGraph(StreamExecutionEnvironment env) {
        env.getConfig().disableGenericTypes();
        env.getConfig().disableAutoGeneratedUIDs();
        DataStream<SaleEvent> events = env.fromData(TypeInformation.of(SaleEvent.class), sale("s1", "apple", 1, MINUTE))
                .uid("test-source")
                .assignTimestampsAndWatermarks(
                        WatermarkStrategy.<SaleEvent>forBoundedOutOfOrderness(Duration.ofSeconds(5))
                                .withTimestampAssigner((event, previous) -> event.timestampMs))
                .uid("test-watermarks");

        Pipeline pipeline = new Pipeline(events);
        pipeline.gated
                .getSideOutput(LatenessGate.LATE_EVENTS)
                .sinkTo(new DiscardingSink<>())
                .uid("test-late-sink");
        pipeline.storeSales.sinkTo(new DiscardingSink<>()).uid("test-store-sink");
        pipeline.itemSales.sinkTo(new DiscardingSink<>()).uid("test-item-sink");
        pipeline.topItems.sinkTo(new DiscardingSink<>()).uid("test-top-items-sink");
    }

    /**
     * The whole aggregation on a mini cluster, with a watermark after every event so that which
     * events are late is deterministic. The views are what an upsert sink would hold at the end:
     * the last row per primary key.
     */
    @Test
    void lateEventsAreExcludedFromEveryViewAndLateUpdatesWithinTheLatenessAreIncluded() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.getConfig().disableGenericTypes();
        SaleEvent beyondLateness = sale("s1", "apple", 10, MINUTE + 50_000);
        DataStream<SaleEvent> events = env.fromData(
                        TypeInformation.of(SaleEvent.class),
                        sale("s1", "apple", 3, MINUTE + 1_000),
                        sale("s2", "pear", 5, MINUTE + 2_000),
                        sale("s1", "plum", 2, MINUTE + 70_000),
                        sale("s1", "apple", 4, MINUTE + 30_000),
                        sale("s2", "pear", 1, MINUTE + 200_000),
                        beyondLateness)
                .assignTimestampsAndWatermarks(WatermarkStrategy.forGenerator(context -> new WatermarkPerEvent())
                        .withTimestampAssigner((event, previous) -> event.timestampMs));

        Pipeline pipeline = new Pipeline(events);
        CloseableIterator<LateEvent> lateSales =
                pipeline.gated.getSideOutput(LatenessGate.LATE_EVENTS).collectAsync();
        CloseableIterator<WindowAggregate> storeSales = pipeline.storeSales.collectAsync();
        CloseableIterator<WindowAggregate> itemSales = pipeline.itemSales.collectAsync();
        CloseableIterator<TopItemsRank> topItems = pipeline.topItems.collectAsync();
        JobClient job = env.executeAsync("aggregations");

        // the source here emits a watermark per event (no out-of-orderness): the partition's is the highest event time
        // minus 1 ms
        assertThat(drain(lateSales))
                .containsExactly(
                        new LateEvent(beyondLateness, LateReason.BEHIND_ITS_PARTITION, MINUTE + 199_999, 60_000));
        assertThat(view(drain(storeSales), row -> row.key + "@" + row.windowStartMs))
                .containsExactlyInAnyOrder(
                        new WindowAggregate("s1", MINUTE, MINUTE + 60_000, 7, 2, true),
                        new WindowAggregate("s2", MINUTE, MINUTE + 60_000, 5, 1, true),
                        new WindowAggregate("s1", MINUTE + 60_000, MINUTE + 120_000, 2, 1, true),
                        new WindowAggregate("s2", MINUTE + 180_000, MINUTE + 240_000, 1, 1, true));
        assertThat(view(drain(itemSales), row -> row.key + "@" + row.windowStartMs))
                .containsExactlyInAnyOrder(
                        new WindowAggregate("apple", HOUR, HOUR + 3_600_000, 7, 2, true),
                        new WindowAggregate("pear", HOUR, HOUR + 3_600_000, 6, 2, true),
                        new WindowAggregate("plum", HOUR, HOUR + 3_600_000, 2, 1, true));
        assertThat(view(drain(topItems), row -> row.storeId + "@" + row.windowStartMs + "#" + row.rank))
                .containsExactlyInAnyOrder(
                        new TopItemsRank("s1", HOUR, HOUR + 3_600_000, 1, "apple", 7, true),
                        new TopItemsRank("s1", HOUR, HOUR + 3_600_000, 2, "plum", 2, true),
                        new TopItemsRank("s2", HOUR, HOUR + 3_600_000, 1, "pear", 6, true));
        job.getJobExecutionResult().get();
    }

    /** The aggregation graph as the job wires it: gate first, every view fed from the gate. */
    private static final class Pipeline {
        final SingleOutputStreamOperator<SaleEvent> gated;
        final SingleOutputStreamOperator<WindowAggregate> storeSales;
        final SingleOutputStreamOperator<WindowAggregate> itemSales;
        final SingleOutputStreamOperator<TopItemsRank> topItems;

        Pipeline(DataStream<SaleEvent> events) {
            gated = SalesAggregations.gateLateEvents(events, LATENESS, Duration.ZERO);
            storeSales = SalesAggregations.storeSales(gated, window(ONE_MINUTE, LATENESS, EARLY));
            itemSales = SalesAggregations.itemSales(gated, window(ONE_HOUR, LATENESS, EARLY));
            topItems = SalesAggregations.topItems(gated, window(ONE_HOUR, LATENESS, EARLY), 5);
        }
    }

    private static final class WatermarkPerEvent implements WatermarkGenerator<SaleEvent> {
        private long maxTimestamp = Long.MIN_VALUE;

        @Override
        public void onEvent(SaleEvent event, long eventTimestamp, WatermarkOutput output) {
            maxTimestamp = Math.max(maxTimestamp, eventTimestamp);
            output.emitWatermark(new Watermark(maxTimestamp));
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {}
    }

    private static <T> List<T> drain(CloseableIterator<T> iterator) throws Exception {
        List<T> values = new ArrayList<>();
        try (iterator) {
            iterator.forEachRemaining(values::add);
        }
        return values;
    }

    private static <T> List<T> view(List<T> rows, Function<T, String> primaryKey) {
        Map<String, T> latest = rows.stream()
                .collect(Collectors.toMap(primaryKey, row -> row, (earlier, later) -> later, LinkedHashMap::new));
        return new ArrayList<>(latest.values());
    }
}
