package io.salespipeline.job.functions;

import static io.salespipeline.job.functions.Sales.MINUTE;
import static io.salespipeline.job.functions.Sales.sale;

import io.salespipeline.job.records.SaleEvent;
import io.salespipeline.job.records.TallyPartial;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * A window operator exactly as {@link SalesAggregations} builds it (assigner, trigger, lateness,
 * late tag, aggregate, window function) in a test harness, with generic types disabled.
 */
// disableGenericTypes() is deprecated in Flink 1.20 but still honoured.
@SuppressWarnings("deprecation")
final class WindowHarness {

    private WindowHarness() {}

    /** A stream to build windows on; its element is never read. */
    static DataStream<SaleEvent> source() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.getConfig().disableGenericTypes();
        return env.fromData(TypeInformation.of(SaleEvent.class), sale("s0", "seed", 1, MINUTE));
    }

    static <OUT> KeyedOneInputStreamOperatorTestHarness<String, TallyPartial, OUT> harness(
            SingleOutputStreamOperator<OUT> windowed) throws Exception {
        return harness(windowed, null);
    }

    /**
     * The window operator of {@code windowed}, restored from {@code checkpoint} when one is given, opened at processing
     * time 0.
     */
    @SuppressWarnings("unchecked")
    static <OUT> KeyedOneInputStreamOperatorTestHarness<String, TallyPartial, OUT> harness(
            SingleOutputStreamOperator<OUT> windowed, OperatorSubtaskState checkpoint) throws Exception {
        OneInputTransformation<TallyPartial, OUT> transformation =
                (OneInputTransformation<TallyPartial, OUT>) windowed.getTransformation();
        KeyedOneInputStreamOperatorTestHarness<String, TallyPartial, OUT> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        transformation.getOperatorFactory(),
                        (KeySelector<TallyPartial, String>) transformation.getStateKeySelector(),
                        (TypeInformation<String>) transformation.getStateKeyType());
        harness.getExecutionConfig().disableGenericTypes();
        harness.setProcessingTime(0);
        if (checkpoint != null) {
            harness.initializeState(checkpoint);
        }
        harness.open();
        return harness;
    }

    /**
     * One event as the partial {@link LocalTally} would send for it alone. Store, item and (for a
     * joined event) region are all set, so any of the windows can key it; the window operator places
     * it by its timestamp.
     */
    static void process(KeyedOneInputStreamOperatorTestHarness<?, TallyPartial, ?> harness, SaleEvent event)
            throws Exception {
        TallyPartial partial = new TallyPartial(event.storeId, event.itemName, event.region, event.timestampMs);
        partial.add(event);
        harness.processElement(partial, event.timestampMs);
    }

    /** What the harness emitted since the last drain. */
    static <OUT> List<OUT> drain(KeyedOneInputStreamOperatorTestHarness<?, TallyPartial, OUT> harness) {
        List<OUT> values = harness.extractOutputValues();
        harness.getOutput().clear();
        return values;
    }
}
