package io.salespipeline.job.functions;

import io.salespipeline.job.records.SalesTally;
import io.salespipeline.job.records.TallyPartial;
import java.io.Serializable;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * Keeps the windows that a window operator purged from opening again after a restore. Flink does
 * not checkpoint watermarks: a restored window operator starts from none and accepts a partial for
 * any window, also one it purged before the checkpoint (the lateness gate's restore floor cannot
 * always prevent that: the windows' watermark may have been set by subtasks idle at the
 * checkpoint), and the reopened window would write its few new sales over the final row, or start
 * a ranking again from the few items that reached it.
 *
 * <p>Windows are purged in the order of their last millisecond, the same for every key: once a
 * window ending at {@code M} was purged, the watermark had passed every window ending at or before
 * {@code M}. So the operator remembers the latest last millisecond of a window it purged (operator
 * state, the maximum over the subtasks on restore, whatever the parallelism), and what reaches a
 * window at or before it after a restore leaves through {@link SalesAggregations#LATE_PARTIALS} as
 * for any closed window, once, however often that window fires.
 */
final class PurgedWindows implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final ListStateDescriptor<Long> PURGED_THROUGH =
            new ListStateDescriptor<>("purged-through", Types.LONG);
    /** Per window and item (the empty string when the view has no item), what was sent as late. */
    private static final MapStateDescriptor<String, SalesTally> SENT_AS_LATE =
            new MapStateDescriptor<>("sent-as-late-by-item", Types.STRING, TypeInformation.of(SalesTally.class));

    private transient ListState<Long> state;
    /** The newest last millisecond of a window purged before the restore, by any subtask. */
    private transient long restoredThrough;
    /** The same, up to now, for the next checkpoint. */
    private transient long purgedThrough;

    void initialize(FunctionInitializationContext context) throws Exception {
        state = context.getOperatorStateStore().getUnionListState(PURGED_THROUGH);
        restoredThrough = Long.MIN_VALUE;
        for (long through : state.get()) {
            restoredThrough = Math.max(restoredThrough, through);
        }
        purgedThrough = restoredThrough;
    }

    void snapshot() throws Exception {
        state.update(List.of(purgedThrough));
    }

    /** Whether {@code window} was purged before the restore, by this subtask or another. */
    boolean isPurged(TimeWindow window) {
        return window.maxTimestamp() <= restoredThrough;
    }

    /**
     * For a window {@link #isPurged}: what {@code tally} holds beyond what was already sent goes to
     * the late partials, as the sales of {@code keyed} (an empty partial of the window's key and,
     * when the window sums items apart, the item). A window sends each item's sales apart.
     */
    void sendUnsent(ProcessWindowFunction<?, ?, ?, TimeWindow>.Context context, TallyPartial keyed, SalesTally tally)
            throws Exception {
        MapState<String, SalesTally> sent = context.windowState().getMapState(SENT_AS_LATE);
        String line = keyed.itemName == null ? "" : keyed.itemName;
        SalesTally sentBefore = sent.get(line);
        SalesTally before = sentBefore == null ? new SalesTally() : sentBefore;
        if (tally.events > before.events) {
            tally.subtractInto(before, keyed);
            keyed.maxTimestampMs = context.window().maxTimestamp();
            context.output(SalesAggregations.LATE_PARTIALS, keyed);
            sent.put(line, tally.copy());
        }
    }

    /** For {@link ProcessWindowFunction#clear}: the window is purged. */
    void remember(ProcessWindowFunction<?, ?, ?, TimeWindow>.Context context) {
        purgedThrough = Math.max(purgedThrough, context.window().maxTimestamp());
        context.windowState().getMapState(SENT_AS_LATE).clear();
    }
}
