package io.salespipeline.job.functions;

import io.salespipeline.contract.Metrics;
import io.salespipeline.job.records.LateEvent;
import io.salespipeline.job.records.LateReason;
import io.salespipeline.job.records.SaleEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * The single definition of "too late", decided once for every window downstream so the views
 * agree with each other (the minute and hour windows end at different times; their own checks
 * would count one event in the hour and drop it from the minute). A late event is counted, sent to
 * {@link #LATE_EVENTS} with its {@link LateReason} and the watermark it missed, and not forwarded.
 *
 * <p><b>Behind its own partition</b> ({@link LateReason#BEHIND_ITS_PARTITION}): an event is late
 * when {@code timestampMs + allowedLateness} is below its partition's watermark as the log defines
 * it, the highest event time of the valid events before it in the same partition minus the
 * out-of-orderness minus 1 ms (what the source's {@code BoundedOutOfOrdernessWatermarks} emits
 * once it has seen them). The gate keeps that highest event time per partition itself, so the
 * verdict depends on the log alone: not on the watermark interval, the read speed, the parallelism,
 * which partitions share a subtask, or restarts (the state is checkpointed with the source offsets,
 * as union state so partitions may move between subtasks on rescaling).
 *
 * <p><b>Behind the watermark after an idle spell</b> ({@link LateReason#BEHIND_THE_WATERMARK_AFTER_IDLE}):
 * an event within its partition's lateness can still be behind the watermark this gate has
 * received, when its partition was idle and the others moved the watermark on; the windows would
 * drop it. That verdict depends on the schedule, and the reason says so.
 *
 * <p>The windows downstream never drop an event this gate forwarded from a subtask that stayed
 * active: their watermark when they process it is at most this gate's watermark when it passed
 * (watermarks travel behind the records on each channel, {@link LocalTally} flushes ahead of every
 * watermark, and an operator's watermark is the minimum over its active inputs), which is at most
 * its partition's watermark. A forwarded event has {@code timestampMs + allowedLatenessMs >=} both,
 * and its window's {@code maxTimestamp >= timestampMs}; the windows are built with one extra
 * millisecond of lateness ({@link SalesAggregations#windowLateness}) because Flink drops a window
 * once {@code maxTimestamp + lateness <= watermark}, which would otherwise catch the boundary case.
 *
 * <p>Flink does not checkpoint watermarks: after a restore every operator starts again from none,
 * while the restored windows were already purged up to the old watermark. So the gate checkpoints
 * the highest watermark it saw, and after a restore judges against a floor no lower than any
 * window's watermark at the checkpoint: the minimum over the subtasks that were active (an idle
 * input does not hold a window back), or the maximum if all were idle.
 *
 * <p>Reads {@link SaleEvent#timestampMs}, which must be the timestamp the source's
 * {@code WatermarkStrategy} assigns, so that the windows place the event where the gate judged it.
 */
public class LatenessGate extends AbstractStreamOperator<SaleEvent>
        implements OneInputStreamOperator<SaleEvent, SaleEvent> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<LateEvent> LATE_EVENTS =
            new OutputTag<>("late-events", TypeInformation.of(LateEvent.class));

    /** Per subtask: the highest watermark seen, and whether its input was idle at the checkpoint. */
    private static final ListStateDescriptor<Tuple2<Long, Boolean>> WATERMARKS =
            new ListStateDescriptor<>("highest-watermark-and-idle", Types.TUPLE(Types.LONG, Types.BOOLEAN));

    /** Per Kafka partition: the highest event time of its valid events so far. */
    private static final ListStateDescriptor<Tuple2<Integer, Long>> PARTITION_EVENT_TIMES =
            new ListStateDescriptor<>("partition-highest-event-time", Types.TUPLE(Types.INT, Types.LONG));

    private final long allowedLatenessMs;
    private final long outOfOrdernessMs;

    private transient Counter lateEvents;
    private transient ListState<Tuple2<Long, Boolean>> watermarks;
    private transient ListState<Tuple2<Integer, Long>> partitionEventTimes;
    private transient Map<Integer, Long> highestEventTime;
    private transient long highestWatermark;
    private transient boolean idle;

    public LatenessGate(Duration allowedLateness, Duration outOfOrderness) {
        if (allowedLateness.isNegative() || outOfOrderness.isNegative()) {
            throw new IllegalArgumentException("allowed lateness and out-of-orderness must not be negative: "
                    + allowedLateness + ", " + outOfOrderness);
        }
        this.allowedLatenessMs = allowedLateness.toMillis();
        this.outOfOrdernessMs = outOfOrderness.toMillis();
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
        partitionEventTimes = context.getOperatorStateStore().getUnionListState(PARTITION_EVENT_TIMES);
        highestEventTime = new HashMap<>();
        // every subtask wrote every partition it knew; the partition's owner wrote the highest
        for (Tuple2<Integer, Long> partition : partitionEventTimes.get()) {
            highestEventTime.merge(partition.f0, partition.f1, Math::max);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        lateEvents = getMetricGroup().counter(Metrics.LATE_EVENTS);
        long restored = logWatermark();
        if (restored != Long.MIN_VALUE) {
            // first thing on the task's mailbox, ahead of any record and of an idle status that would hide it
            getProcessingTimeService()
                    .registerTimer(
                            getProcessingTimeService().getCurrentProcessingTime(), now -> emitLogWatermark(restored));
        }
    }

    /**
     * The watermark the log defines for every partition the job has read: the lowest over them of
     * their highest event time so far minus the out-of-orderness minus 1 ms; MIN before any.
     */
    private long logWatermark() {
        return highestEventTime.values().stream()
                .mapToLong(highest -> highest - outOfOrdernessMs - 1)
                .min()
                .orElse(Long.MIN_VALUE);
    }

    /**
     * After a restore. Flink does not checkpoint watermarks: the restored source emits none until
     * each partition reads new events, so windows the log had already closed (up to the last
     * events before the checkpoint) would wait for traffic to become final, for ever at the end of
     * a log. Every partition's watermark is at least this once its events are read again, so the
     * windows may have it now; an event this gate still forwards is never behind it by more than
     * the lateness, since it is not behind its own partition's.
     */
    private void emitLogWatermark(long restored) {
        if (restored > highestWatermark) {
            highestWatermark = restored;
        }
        output.emitWatermark(new Watermark(restored));
    }

    @Override
    public void processElement(StreamRecord<SaleEvent> element) {
        SaleEvent event = element.getValue();
        long latest = event.timestampMs + allowedLatenessMs;
        Long highest = highestEventTime.get(event.sourcePartition);
        long partitionWatermark = highest == null ? Long.MIN_VALUE : highest - outOfOrdernessMs - 1;
        if (latest < partitionWatermark) {
            late(element, LateReason.BEHIND_ITS_PARTITION, partitionWatermark);
            return;
        }
        if (highest == null || event.timestampMs > highest) {
            highestEventTime.put(event.sourcePartition, event.timestampMs);
        }
        if (latest < highestWatermark) {
            late(element, LateReason.BEHIND_THE_WATERMARK_AFTER_IDLE, highestWatermark);
        } else {
            output.collect(element);
        }
    }

    private void late(StreamRecord<SaleEvent> element, LateReason reason, long missedWatermark) {
        lateEvents.inc();
        output.collect(
                LATE_EVENTS,
                element.replace(new LateEvent(element.getValue(), reason, missedWatermark, allowedLatenessMs)));
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
        List<Tuple2<Integer, Long>> partitions = new ArrayList<>(highestEventTime.size());
        highestEventTime.forEach((partition, eventTime) -> partitions.add(Tuple2.of(partition, eventTime)));
        partitionEventTimes.update(partitions);
    }
}
