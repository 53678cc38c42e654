package io.salespipeline.job.functions;

import java.time.Duration;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.triggers.TriggerResult;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * Event-time trigger with early results: FIRE when the watermark passes the window end, FIRE on
 * every element that arrives after that (the window operator has already dropped those beyond the
 * allowed lateness), and while the window is open FIRE at most once per {@code interval} of
 * processing time.
 *
 * <p>The early timer is armed by an element and not re-armed by its own firing, so an early result
 * is emitted only when the window received something since the last firing, and idle windows cost
 * no timers (at 100K events/s, one timer per open window per interval would outnumber the events).
 * Every element adds to the event count, so "received something" is exactly "the aggregate
 * changed". Never purges: late elements within the allowed lateness need the window's contents.
 */
public class EarlyFiringEventTimeTrigger extends Trigger<Object, TimeWindow> {

    private static final long serialVersionUID = 1L;

    private final long intervalMs;

    private final ValueStateDescriptor<Long> earlyTimerDescriptor =
            new ValueStateDescriptor<>("early-fire-at", Types.LONG);

    public EarlyFiringEventTimeTrigger(Duration interval) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("early firing interval must be positive: " + interval);
        }
        this.intervalMs = interval.toMillis();
    }

    @Override
    public TriggerResult onElement(Object element, long timestamp, TimeWindow window, TriggerContext ctx)
            throws Exception {
        if (window.maxTimestamp() <= ctx.getCurrentWatermark()) {
            return TriggerResult.FIRE;
        }
        ctx.registerEventTimeTimer(window.maxTimestamp());
        ValueState<Long> earlyTimer = ctx.getPartitionedState(earlyTimerDescriptor);
        if (earlyTimer.value() == null) {
            long fireAt = ctx.getCurrentProcessingTime() + intervalMs;
            ctx.registerProcessingTimeTimer(fireAt);
            earlyTimer.update(fireAt);
        }
        return TriggerResult.CONTINUE;
    }

    @Override
    public TriggerResult onProcessingTime(long time, TimeWindow window, TriggerContext ctx) throws Exception {
        ctx.getPartitionedState(earlyTimerDescriptor).clear();
        return TriggerResult.FIRE;
    }

    @Override
    public TriggerResult onEventTime(long time, TimeWindow window, TriggerContext ctx) throws Exception {
        // The window operator's cleanup timer (maxTimestamp + lateness) also lands here.
        if (time != window.maxTimestamp()) {
            return TriggerResult.CONTINUE;
        }
        // The final result supersedes the pending early one, which would re-emit it as not final.
        deleteEarlyTimer(ctx);
        return TriggerResult.FIRE;
    }

    @Override
    public void clear(TimeWindow window, TriggerContext ctx) throws Exception {
        ctx.deleteEventTimeTimer(window.maxTimestamp());
        deleteEarlyTimer(ctx);
    }

    private void deleteEarlyTimer(TriggerContext ctx) throws Exception {
        ValueState<Long> earlyTimer = ctx.getPartitionedState(earlyTimerDescriptor);
        Long fireAt = earlyTimer.value();
        if (fireAt != null) {
            ctx.deleteProcessingTimeTimer(fireAt);
            earlyTimer.clear();
        }
    }

    @Override
    public String toString() {
        return "EarlyFiringEventTimeTrigger(" + intervalMs + " ms)";
    }
}
