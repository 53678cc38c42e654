package io.salespipeline.job.functions;

import io.salespipeline.job.records.EnrichmentInput;
import io.salespipeline.job.records.ReferenceRecord;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * The reference side of the enrichment join, behind the reference source: valid versions go on, rejected records to
 * {@link RouteParsedRecords#DEAD_LETTERS}, the source's watermark becomes a record
 * ({@link EnrichmentInput.Kind#REFERENCE_WATERMARK}), and this operator tells the join when the reference data is
 * quiet ({@code REFERENCE_IDLE}) and when it moves again ({@code REFERENCE_ACTIVE}).
 *
 * <p><b>Quiet</b> means: no reference record for {@code idleness} (processing time), and read to the end. The end is
 * where the topics ended when this operator (re)started ({@link ReferenceLogEnds}): the source's own idleness cannot
 * tell a slow first fetch from an empty topic, and a join that took the first for the second would price a replay's
 * first sales against a catalog it had not read. The highest offset read per partition is checkpointed, so a restore
 * whose reference data was read before the checkpoint is at the end at once. Should the records at a partition's end
 * never arrive (the newest, a tombstone, compacted away; transaction markers), a much longer silence after at least
 * one record read since the (re)start ({@link #endGapSilenceMs}) counts as the end too: not the idleness itself, which
 * a pause in the middle of the first read can exceed, and sales read meanwhile would overtake the rest of the catalog
 * on its way to the join. Each record read while quiet is signalled active first, so a sale behind it waits again.
 *
 * <p>Its own output carries no watermark and is idle from the start: the join reads sales and reference data on one
 * input, and an idle channel takes no part in that input's watermark, so the join's event time is the sales' alone.
 * Were the reference publish times part of it, the end of a replay would push every window to the wall clock and
 * close windows the live run leaves open.
 */
public class ReferenceSignals extends AbstractStreamOperator<EnrichmentInput>
        implements OneInputStreamOperator<ReferenceRecord, EnrichmentInput> {

    private static final long serialVersionUID = 1L;

    private static final ListStateDescriptor<Tuple2<String, Long>> READ_UP_TO =
            new ListStateDescriptor<>("reference-read-up-to", Types.TUPLE(Types.STRING, Types.LONG));

    /** At least this long, and ten idleness intervals, before missing records at the end count as the end. */
    static final Duration MIN_END_GAP_SILENCE = Duration.ofMinutes(1);

    private final long idlenessMs;
    private final long endGapSilenceMs;
    private final ReferenceLogEnds logEnds;

    /** Per partition, the offset after the last record read. */
    private transient Map<String, Long> readUpTo;

    private transient ListState<Tuple2<String, Long>> readUpToState;
    private transient Map<String, Long> ends;
    private transient boolean readSinceStart;
    private transient boolean atTheEnd;
    private transient boolean quiet;
    private transient long lastRecordMs;

    public ReferenceSignals(Duration idleness, ReferenceLogEnds logEnds) {
        this.idlenessMs = idleness.toMillis();
        this.endGapSilenceMs = Math.max(10 * idlenessMs, MIN_END_GAP_SILENCE.toMillis());
        this.logEnds = logEnds;
        setChainingStrategy(ChainingStrategy.ALWAYS);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        readUpToState = context.getOperatorStateStore().getUnionListState(READ_UP_TO);
        readUpTo = new HashMap<>();
        for (Tuple2<String, Long> position : readUpToState.get()) {
            readUpTo.merge(position.f0, position.f1, Math::max);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        ends = Map.copyOf(logEnds.endOffsets());
        atTheEnd = reachedTheEnds();
        long now = getProcessingTimeService().getCurrentProcessingTime();
        lastRecordMs = now;
        // first on the task's mailbox, ahead of any record this operator forwards
        getProcessingTimeService().registerTimer(now, time -> output.emitWatermarkStatus(WatermarkStatus.IDLE));
        scheduleQuietCheck(now);
    }

    @Override
    public void processElement(StreamRecord<ReferenceRecord> element) {
        ReferenceRecord record = element.getValue();
        if (quiet) {
            quiet = false;
            output.collect(new StreamRecord<>(EnrichmentInput.referenceIdle(false)));
        }
        lastRecordMs = getProcessingTimeService().getCurrentProcessingTime();
        if (record.sourceTopic != null) {
            readUpTo.merge(
                    ReferenceLogEnds.partition(record.sourceTopic, record.sourcePartition),
                    record.sourceOffset + 1,
                    Math::max);
            readSinceStart = true;
            atTheEnd = atTheEnd || reachedTheEnds();
        }
        if (record.isValid()) {
            output.collect(new StreamRecord<>(EnrichmentInput.version(record.version)));
        } else {
            output.collect(RouteParsedRecords.DEAD_LETTERS, new StreamRecord<>(record.deadLetter));
        }
    }

    private boolean reachedTheEnds() {
        return ends.entrySet().stream().allMatch(end -> readUpTo.getOrDefault(end.getKey(), 0L) >= end.getValue());
    }

    private void scheduleQuietCheck(long now) {
        getProcessingTimeService().registerTimer(now + Math.max(1, idlenessMs / 4), this::checkQuiet);
    }

    private void checkQuiet(long now) {
        long silentMs = now - lastRecordMs;
        if (!quiet && silentMs >= idlenessMs && (atTheEnd || (readSinceStart && silentMs >= endGapSilenceMs))) {
            quiet = true;
            output.collect(new StreamRecord<>(EnrichmentInput.referenceIdle(true)));
        }
        scheduleQuietCheck(now);
    }

    @Override
    public void processWatermark(Watermark mark) {
        output.collect(new StreamRecord<>(EnrichmentInput.referenceWatermark(mark.getTimestamp())));
    }

    /** The source's own idleness is not what the join needs (see the class comment): this operator decides. */
    @Override
    public void processWatermarkStatus(WatermarkStatus status) {}

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        readUpToState.update(readUpTo.entrySet().stream()
                .map(e -> Tuple2.of(e.getKey(), e.getValue()))
                .toList());
    }
}
