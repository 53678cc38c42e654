package io.salespipeline.job.functions;

import io.salespipeline.job.records.SalesTally;
import io.salespipeline.job.records.TallyPartial;
import java.io.IOException;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * Keeps a window that Flink purged from opening again after a restore. Flink does not checkpoint
 * watermarks: a restored window operator starts from none and accepts a partial for any window,
 * also one it purged before the checkpoint. The lateness gate's restore floor cannot always
 * prevent that (the windows' watermark may have been set by subtasks that were idle at the
 * checkpoint, while the floor follows the active ones), and the reopened window would write its
 * few new sales over the final row. So each key remembers, in keyed state checkpointed with the
 * windows, the last millisecond of the newest window of it that was purged; a window at or before
 * that is closed, and what reaches it leaves through {@link SalesAggregations#LATE_PARTIALS} as
 * for any closed window, once, however often the reopened window fires.
 */
final class PurgedWindows {

    private static final ValueStateDescriptor<Long> PURGED_THROUGH = new ValueStateDescriptor<>("purged-through", Types.LONG);
    private static final ValueStateDescriptor<SalesTally> SENT_AS_LATE = new ValueStateDescriptor<>("sent-as-late", TypeInformation.of(SalesTally.class));

    private PurgedWindows() {}

    /**
     * Whether the context's window was purged before. If so, what {@code tally} holds beyond what
     * was already sent goes to the late partials as the sales of {@code storeId} and {@code itemName}
     * (null for the part that is not the view's key).
     */
    static boolean routedAsLate(ProcessWindowFunction<?, ?, ?, TimeWindow>.Context context, SalesTally tally, String storeId, String itemName)
            throws IOException {
        Long purgedThrough = context.globalState().getState(PURGED_THROUGH).value();
        TimeWindow window = context.window();
        if (purgedThrough == null || window.maxTimestamp() > purgedThrough) {
            return false;
        }
        ValueState<SalesTally> sent = context.windowState().getState(SENT_AS_LATE);
        SalesTally before = sent.value() == null ? new SalesTally(0, 0) : sent.value();
        if (tally.events > before.events) {
            TallyPartial late = new TallyPartial(storeId, itemName, window.getStart());
            late.units = tally.units - before.units;
            late.events = tally.events - before.events;
            late.maxTimestampMs = window.maxTimestamp();
            context.output(SalesAggregations.LATE_PARTIALS, late);
            sent.update(new SalesTally(tally.units, tally.events));
        }
        return true;
    }

    /** For {@link ProcessWindowFunction#clear}: the window is purged; later sales for it are late. */
    static void remember(ProcessWindowFunction<?, ?, ?, TimeWindow>.Context context) throws IOException {
        ValueState<Long> purgedThrough = context.globalState().getState(PURGED_THROUGH);
        long end = context.window().maxTimestamp();
        if (purgedThrough.value() == null || purgedThrough.value() < end) {
            purgedThrough.update(end);
        }
        context.windowState().getState(SENT_AS_LATE).clear();
    }
}
