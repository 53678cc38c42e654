package io.salespipeline.job.functions;

import io.salespipeline.job.records.SalesTally;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Turns a window's tally into its view's result, under the rules every window of the job shares:
 * the result is final once the watermark has reached the window's last millisecond and ever after
 * for that window ({@link WindowFinality}), and a window purged before a restore stays closed, what
 * reaches it leaving as a closed-window partial ({@link PurgedWindows}).
 *
 * @param <K> the window's key
 * @param <OUT> the view's result of one window
 */
abstract class TallyWindowFunction<K, OUT> extends ProcessWindowFunction<SalesTally, OUT, K, TimeWindow> implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    private final PurgedWindows purged = new PurgedWindows();

    @Override
    public final void process(K key, Context context, Iterable<SalesTally> tallies, Collector<OUT> out) throws Exception {
        boolean finalResult = WindowFinality.isFinal(context);
        for (SalesTally tally : tallies) {
            if (!purged.routedAsLate(context, tally, storeId(key), itemName(key))) {
                out.collect(result(key, context.window(), tally, finalResult));
            }
        }
    }

    /** The store id in the key, null when the view is not keyed by store. */
    abstract String storeId(K key);

    /** The item name in the key, null when the view is not keyed by item. */
    abstract String itemName(K key);

    abstract OUT result(K key, TimeWindow window, SalesTally tally, boolean finalResult);

    @Override
    public final void clear(Context context) {
        WindowFinality.forget(context);
        purged.remember(context);
    }

    @Override
    public final void initializeState(FunctionInitializationContext context) throws Exception {
        purged.initialize(context);
    }

    @Override
    public final void snapshotState(FunctionSnapshotContext context) throws Exception {
        purged.snapshot();
    }
}
