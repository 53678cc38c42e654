package io.salespipeline.job.functions;

import io.salespipeline.job.records.SourceRecord;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.eventtime.WatermarksWithIdleness;

/**
 * Per-partition watermarks from valid events only: bounded out-of-orderness, and idleness after a
 * spell without a valid event. A rejected message has no event time, so it moves no watermark; and
 * it is no sign of life either: a partition that receives only malformed messages would otherwise
 * never go idle and hold every window open. Idleness is measured on the source's input-activity
 * clock, which stops while the source is backpressured, so a slow job never mistakes a busy
 * partition for an idle one.
 */
public final class ValidEventWatermarks implements WatermarkStrategy<SourceRecord> {

    private static final long serialVersionUID = 1L;

    private final Duration outOfOrderness;
    private final Duration idleness;

    public ValidEventWatermarks(Duration outOfOrderness, Duration idleness) {
        this.outOfOrderness = outOfOrderness;
        this.idleness = idleness;
    }

    @Override
    public TimestampAssigner<SourceRecord> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
        // the event time LatenessGate and the windows read (SaleEvent#timestampMs); none for rejects
        return (record, kafkaTimestamp) -> record.isValid() ? record.event.timestampMs : Long.MIN_VALUE;
    }

    @Override
    public WatermarkGenerator<SourceRecord> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
        WatermarkGenerator<SourceRecord> validOnly = new WatermarksWithIdleness<>(
                new BoundedOutOfOrdernessWatermarks<>(outOfOrderness), idleness, context.getInputActivityClock());
        return new WatermarkGenerator<>() {
            @Override
            public void onEvent(SourceRecord record, long timestamp, WatermarkOutput output) {
                if (record.isValid()) {
                    validOnly.onEvent(record, timestamp, output);
                }
            }

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                validOnly.onPeriodicEmit(output);
            }
        };
    }
}
