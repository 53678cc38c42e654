package io.salespipeline.job.functions;

import io.salespipeline.job.records.EnrichmentInput;
import io.salespipeline.job.records.ReferenceRecord;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * The reference side of the enrichment join, behind the reference source: valid versions go on, rejected records to
 * {@link RouteParsedRecords#DEAD_LETTERS}, and the source's watermark and idleness become records
 * ({@link EnrichmentInput.Kind#REFERENCE_WATERMARK}, {@code REFERENCE_IDLE}, {@code REFERENCE_ACTIVE}).
 *
 * <p>Its own output carries no watermark and is idle from the start: the join reads sales and reference data on one
 * input, and an idle channel takes no part in that input's watermark, so the join's event time is the sales' alone.
 * Were the reference publish times part of it, the end of a replay would push every window to the wall clock and
 * close windows the live run leaves open.
 */
public class ReferenceSignals extends AbstractStreamOperator<EnrichmentInput>
        implements OneInputStreamOperator<ReferenceRecord, EnrichmentInput> {

    private static final long serialVersionUID = 1L;

    public ReferenceSignals() {
        setChainingStrategy(ChainingStrategy.ALWAYS);
    }

    @Override
    public void open() throws Exception {
        super.open();
        // first on the task's mailbox, ahead of any record this operator forwards
        getProcessingTimeService()
                .registerTimer(
                        getProcessingTimeService().getCurrentProcessingTime(),
                        now -> output.emitWatermarkStatus(WatermarkStatus.IDLE));
    }

    @Override
    public void processElement(StreamRecord<ReferenceRecord> element) {
        ReferenceRecord record = element.getValue();
        if (record.isValid()) {
            output.collect(new StreamRecord<>(EnrichmentInput.version(record.version)));
        } else {
            output.collect(RouteParsedRecords.DEAD_LETTERS, new StreamRecord<>(record.deadLetter));
        }
    }

    @Override
    public void processWatermark(Watermark mark) {
        output.collect(new StreamRecord<>(EnrichmentInput.referenceWatermark(mark.getTimestamp())));
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) {
        output.collect(new StreamRecord<>(EnrichmentInput.referenceIdle(status.isIdle())));
    }
}
