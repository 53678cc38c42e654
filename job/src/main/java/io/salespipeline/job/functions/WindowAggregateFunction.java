package io.salespipeline.job.functions;

import io.salespipeline.job.records.SalesTally;
import io.salespipeline.job.records.WindowAggregate;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Turns a window's tally into a {@link WindowAggregate} row for its key (a store id or an item name).
 * The row is final once the watermark has reached the window's last millisecond, and stays final
 * across restores ({@link WindowFinality}): from then on the trigger fires only for the end of the
 * window and for late events within the allowed lateness.
 */
public class WindowAggregateFunction extends ProcessWindowFunction<SalesTally, WindowAggregate, String, TimeWindow> implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    private final PurgedWindows purged = new PurgedWindows();

    private final LocalTally.Key key;

    /** @param key what the window's key is: a store id ({@code STORE}) or an item name ({@code ITEM}) */
    public WindowAggregateFunction(LocalTally.Key key) {
        if (key == LocalTally.Key.STORE_AND_ITEM) {
            throw new IllegalArgumentException("a window row has one key: a store or an item name");
        }
        this.key = key;
    }

    @Override
    public void process(String keyValue, Context context, Iterable<SalesTally> tallies, Collector<WindowAggregate> out) throws Exception {
        TimeWindow window = context.window();
        boolean finalResult = WindowFinality.isFinal(context);
        for (SalesTally tally : tallies) {
            boolean store = key == LocalTally.Key.STORE;
            if (!purged.routedAsLate(context, tally, store ? keyValue : null, store ? null : keyValue)) {
                out.collect(new WindowAggregate(keyValue, window.getStart(), window.getEnd(), tally.units, tally.events, finalResult));
            }
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
