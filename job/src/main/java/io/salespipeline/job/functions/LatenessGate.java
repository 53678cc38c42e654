package io.salespipeline.job.functions;

import io.salespipeline.job.records.LateEvent;
import io.salespipeline.job.records.SaleEvent;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;

/**
 * The single definition of "too late": an event is beyond the allowed lateness when
 * {@code timestampMs + allowedLatenessMs < watermark}. Such events are counted, sent to
 * {@link #LATE_EVENTS} with the watermark they missed, and not forwarded, so every aggregate
 * downstream excludes exactly the same events.
 *
 * <p>The minute and hour windows end at different times, so their own lateness checks would
 * disagree about one event (counted in the hour, dropped from the minute). Deciding once, here,
 * keeps the views consistent with each other.
 *
 * <p>The windows downstream never drop an event this gate forwarded: a window operator's watermark
 * when it processes an event is at most this gate's watermark when the event passed (watermarks
 * travel behind the records on each channel, and an operator's watermark is the minimum over its
 * inputs). A forwarded event has {@code timestampMs + allowedLatenessMs >= gateWatermark}, and its
 * window's {@code maxTimestamp >= timestampMs}; the windows are built with one extra millisecond of
 * lateness (see {@link SalesAggregations#windowLateness}) because Flink drops a window once
 * {@code maxTimestamp + lateness <= watermark}, which would otherwise catch the boundary case
 * {@code timestampMs == maxTimestamp, timestampMs + allowedLatenessMs == watermark}.
 *
 * <p>Flink does not checkpoint watermarks: after a restore every operator starts again from none,
 * while the restored windows were already purged up to the old watermark. Judged against the fresh
 * watermark, an old event would open a new window and overwrite that window's final row with a
 * partial one. So the gate is an operator that sees every watermark and checkpoints the highest, and
 * after a restore judges against a floor no lower than any window's watermark at the checkpoint:
 * the minimum over the subtasks that were active (an idle input does not hold a window back), or
 * the maximum if all were idle.
 *
 * <p>Reads {@link SaleEvent#timestampMs}, which must be the timestamp the source's
 * {@code WatermarkStrategy} assigns, so that the windows place the event where the gate judged it.
 */
public class LatenessGate extends AbstractStreamOperator<SaleEvent> implements OneInputStreamOperator<SaleEvent, SaleEvent> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<LateEvent> LATE_EVENTS =
            new OutputTag<>("late-events", TypeInformation.of(LateEvent.class));

    public static final String LATE_EVENTS_METRIC = "late_events";

    /** Per subtask: the highest watermark seen, and whether its input was idle at the checkpoint. */
    private static final ListStateDescriptor<Tuple2<Long, Boolean>> WATERMARKS =
            new ListStateDescriptor<>("highest-watermark-and-idle", Types.TUPLE(Types.LONG, Types.BOOLEAN));

    private final long allowedLatenessMs;

    private transient Counter lateEvents;
    private transient ListState<Tuple2<Long, Boolean>> watermarks;
    private transient long highestWatermark;
    private transient boolean idle;

    public LatenessGate(Duration allowedLateness) {
        if (allowedLateness.isNegative()) {
            throw new IllegalArgumentException("allowed lateness must not be negative: " + allowedLateness);
        }
        this.allowedLatenessMs = allowedLateness.toMillis();
        // A custom operator heads its own chain by default: every event would cross a channel here.
        setChainingStrategy(ChainingStrategy.ALWAYS);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        watermarks = context.getOperatorStateStore().getUnionListState(WATERMARKS);
        long activeMin = Long.MAX_VALUE;
        long anyMax = Long.MIN_VALUE;
        boolean anyActive = false;
        for (Tuple2<Long, Boolean> subtask : watermarks.get()) {
            anyMax = Math.max(anyMax, subtask.f0);
            if (!subtask.f1) {
                activeMin = Math.min(activeMin, subtask.f0);
                anyActive = true;
            }
        }
        highestWatermark = anyActive ? activeMin : anyMax;
    }

    @Override
    public void open() throws Exception {
        super.open();
        lateEvents = getMetricGroup().counter(LATE_EVENTS_METRIC);
    }

    @Override
    public void processElement(StreamRecord<SaleEvent> element) {
        SaleEvent event = element.getValue();
        if (event.timestampMs + allowedLatenessMs < highestWatermark) {
            lateEvents.inc();
            output.collect(LATE_EVENTS, element.replace(new LateEvent(event, highestWatermark, allowedLatenessMs)));
        } else {
            output.collect(element);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        highestWatermark = Math.max(highestWatermark, mark.getTimestamp());
        idle = false;
        super.processWatermark(mark);
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        idle = status.isIdle();
        super.processWatermarkStatus(status);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        watermarks.update(List.of(Tuple2.of(highestWatermark, idle)));
    }
}
