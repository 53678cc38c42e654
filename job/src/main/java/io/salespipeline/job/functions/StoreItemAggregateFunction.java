package io.salespipeline.job.functions;

import io.salespipeline.job.records.SalesTally;
import io.salespipeline.job.records.StoreItemAggregate;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Turns a (store id, item name) window's tally into the per-item partial that {@link TopItemsFunction}
 * ranks. Finality follows the same rule as {@link WindowAggregateFunction} ({@link WindowFinality}).
 */
public class StoreItemAggregateFunction
        extends ProcessWindowFunction<SalesTally, StoreItemAggregate, Tuple2<String, String>, TimeWindow> implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    private final PurgedWindows purged = new PurgedWindows();

    @Override
    public void process(
            Tuple2<String, String> storeAndItem,
            Context context,
            Iterable<SalesTally> tallies,
            Collector<StoreItemAggregate> out) throws Exception {
        TimeWindow window = context.window();
        boolean finalResult = WindowFinality.isFinal(context);
        for (SalesTally tally : tallies) {
            if (purged.routedAsLate(context, tally, storeAndItem.f0, storeAndItem.f1)) {
                continue;
            }
            out.collect(new StoreItemAggregate(
                    storeAndItem.f0,
                    storeAndItem.f1,
                    window.getStart(),
                    window.getEnd(),
                    tally.units,
                    tally.events,
                    finalResult));
        }
    }

    @Override
    public void clear(Context context) throws Exception {
        WindowFinality.forget(context);
        purged.remember(context);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        purged.initialize(context);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        purged.snapshot();
    }
}
