package io.salespipeline.job.functions;

import io.salespipeline.job.records.SalesTally;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Turns a window's tallies into its view's rows, under the rules every window of the job shares:
 * the rows are final once the watermark has reached the window's last millisecond and ever after
 * for that window ({@link WindowFinality}), and a window purged before a restore stays closed, what
 * reaches it leaving as closed-window partials ({@link PurgedWindows}).
 *
 * @param <IN> what the window's aggregate holds
 * @param <K> the window's key
 * @param <OUT> a row of the view
 */
abstract class TallyWindowFunction<IN, K, OUT> extends ProcessWindowFunction<IN, OUT, K, TimeWindow>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    private final PurgedWindows purged = new PurgedWindows();

    @Override
    public final void process(K key, Context context, Iterable<IN> contents, Collector<OUT> out) throws Exception {
        boolean closed = purged.isPurged(context.window());
        boolean finalResult = !closed && WindowFinality.isFinal(context);
        for (IN content : contents) {
            if (closed) {
                sendAsClosed(key, context, content);
            } else {
                emit(key, context, content, finalResult, out);
            }
        }
    }

    /** Emits the rows of the window's {@code content} that the view does not hold yet. */
    abstract void emit(K key, Context context, IN content, boolean finalResult, Collector<OUT> out) throws Exception;

    /** The window was purged before a restore: {@code content} leaves through {@link #sendUnsent}. */
    abstract void sendAsClosed(K key, Context context, IN content) throws Exception;

    /**
     * Sends what {@code tally} holds beyond what was sent before as the closed window's sales of
     * {@code keyValue} (and of {@code itemName} when the window sums items apart).
     */
    final void sendUnsent(Context context, LocalTally.Key key, String keyValue, String itemName, SalesTally tally)
            throws Exception {
        purged.sendUnsent(
                context, key.emptyPartial(keyValue, itemName, context.window().getStart()), tally);
    }

    /** Drops what the function itself keeps per window; the window is purged. */
    void forget(Context context) {}

    @Override
    public final void clear(Context context) {
        WindowFinality.forget(context);
        purged.remember(context);
        forget(context);
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
