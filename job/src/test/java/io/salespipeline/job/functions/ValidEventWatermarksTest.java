package io.salespipeline.job.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.salespipeline.job.records.DeadLetter;
import io.salespipeline.job.records.SaleEvent;
import io.salespipeline.job.records.SourceRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.clock.RelativeClock;
import org.junit.jupiter.api.Test;

/** A partition's watermark and idleness come from its valid events alone. */
class ValidEventWatermarksTest {

    private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(5);
    private static final Duration IDLENESS = Duration.ofSeconds(30);

    /** The source's input-activity clock, moved by hand. */
    private static final class ManualClock implements RelativeClock {
        long millis;

        @Override
        public long relativeTimeMillis() {
            return millis;
        }

        @Override
        public long relativeTimeNanos() {
            return millis * 1_000_000;
        }
    }

    /** What the generator told the source: watermarks, and whether the partition was idle at the last emit. */
    private static final class Output implements WatermarkOutput {
        final List<Long> watermarks = new ArrayList<>();
        boolean idle;

        @Override
        public void emitWatermark(Watermark watermark) {
            watermarks.add(watermark.getTimestamp());
            idle = false;
        }

        @Override
        public void markIdle() {
            idle = true;
        }

        @Override
        public void markActive() {
            idle = false;
        }
    }

    private final ManualClock clock = new ManualClock();
    private final ValidEventWatermarks strategy = new ValidEventWatermarks(OUT_OF_ORDERNESS, IDLENESS);
    private final WatermarkGenerator<SourceRecord> generator =
            strategy.createWatermarkGenerator(new WatermarkGeneratorSupplier.Context() {
                @Override
                public MetricGroup getMetricGroup() {
                    return new UnregisteredMetricsGroup();
                }

                @Override
                public RelativeClock getInputActivityClock() {
                    return clock;
                }
            });
    private final TimestampAssigner<SourceRecord> timestamps = strategy.createTimestampAssigner(null);
    private final Output output = new Output();
    private long offset;

    private void receive(SourceRecord record) {
        generator.onEvent(record, timestamps.extractTimestamp(record, 0), output);
    }

    private SourceRecord valid(long eventTimeMs) {
        return SourceRecord.valid(new SaleEvent("item-1", "Item", "Store", 1, eventTimeMs, "item_sales", 0, offset++));
    }

    private SourceRecord rejected() {
        return SourceRecord.rejected(
                DeadLetter.of("NOT_JSON", "x", "item_sales", 0, offset++, 0, "x".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aPartitionReceivingOnlyRejectsGoesIdle() {
        receive(valid(100_000));
        generator.onPeriodicEmit(output);
        assertThat(output.idle).isFalse();
        rejectsFor(20);
        assertThat(output.idle).as("idle after 20 s of rejects only").isFalse();
        rejectsFor(20);
        assertThat(output.idle)
                .as("idle after 40 s of rejects only, beyond the %s idleness", IDLENESS)
                .isTrue();
        receive(valid(101_000));
        generator.onPeriodicEmit(output);
        assertThat(output.idle).isFalse();
    }

    private void rejectsFor(int seconds) {
        for (int second = 0; second < seconds; second++) {
            clock.millis += 1_000;
            receive(rejected());
            generator.onPeriodicEmit(output);
        }
    }

    @Test
    void rejectsMoveNoWatermarkAndValidEventsMoveItWithTheirBound() {
        receive(valid(100_000));
        receive(rejected());
        generator.onPeriodicEmit(output);
        receive(valid(90_000));
        generator.onPeriodicEmit(output);
        receive(valid(120_000));
        generator.onPeriodicEmit(output);
        assertThat(output.watermarks).containsExactly(100_000 - 5_000 - 1L, 100_000 - 5_000 - 1L, 120_000 - 5_000 - 1L);
        assertThat(timestamps.extractTimestamp(rejected(), 0)).isEqualTo(Long.MIN_VALUE);
    }
}
