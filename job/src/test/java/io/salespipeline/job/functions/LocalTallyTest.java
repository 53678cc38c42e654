package io.salespipeline.job.functions;

import static io.salespipeline.job.functions.Sales.HOUR;
import static io.salespipeline.job.functions.Sales.MINUTE;
import static io.salespipeline.job.functions.Sales.sale;
import static org.assertj.core.api.Assertions.assertThat;

import io.salespipeline.job.records.SaleEvent;
import io.salespipeline.job.records.TallyPartial;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

// The harness's close() declares Exception.
@SuppressWarnings("try")
class LocalTallyTest {

    private static final Duration ONE_MINUTE = Duration.ofMinutes(1);
    private static final Duration ONE_HOUR = Duration.ofHours(1);
    private static final LocalTally.Limits ROOMY = new LocalTally.Limits(Duration.ofSeconds(1), 100);

    @Test
    void sumsPerKeyAndWindowAndSendsTheSumsAheadOfTheWatermark() throws Exception {
        try (OneInputStreamOperatorTestHarness<SaleEvent, TallyPartial> harness =
                harness(LocalTally.Key.STORE, ONE_MINUTE, ROOMY)) {
            process(harness, sale("s1", "apple", 3, MINUTE + 1_000));
            process(harness, sale("s1", "pear", 4, MINUTE + 59_999));
            process(harness, sale("s2", "apple", 5, MINUTE + 2_000));
            process(harness, sale("s1", "apple", 6, MINUTE + 60_000));
            assertThat(harness.getOutput()).isEmpty();

            harness.processWatermark(MINUTE + 55_000);

            List<Object> output = new ArrayList<>(harness.getOutput());
            assertThat(output).hasSize(4);
            assertThat(output.subList(0, 3))
                    .containsExactlyInAnyOrder(
                            record(partial("s1", null, MINUTE, 7, 2, MINUTE + 59_999)),
                            record(partial("s2", null, MINUTE, 5, 1, MINUTE + 2_000)),
                            record(partial("s1", null, MINUTE + 60_000, 6, 1, MINUTE + 60_000)));
            assertThat(output.get(3)).isEqualTo(new Watermark(MINUTE + 55_000));
        }
    }

    @Test
    void theKeyDecidesWhatIsSummedTogether() throws Exception {
        try (OneInputStreamOperatorTestHarness<SaleEvent, TallyPartial> items =
                        harness(LocalTally.Key.ITEM, ONE_HOUR, ROOMY);
                OneInputStreamOperatorTestHarness<SaleEvent, TallyPartial> storeItems =
                        harness(LocalTally.Key.STORE_AND_ITEM, ONE_HOUR, ROOMY)) {
            for (SaleEvent event : List.of(
                    sale("s1", "apple", 1, HOUR),
                    sale("s2", "apple", 2, HOUR + 10),
                    sale("s1", "apple", 4, HOUR + 20))) {
                process(items, event);
                process(storeItems, event);
            }
            items.endInput();
            storeItems.endInput();

            assertThat(items.extractOutputValues()).containsExactly(partial(null, "apple", HOUR, 7, 3, HOUR + 20));
            assertThat(storeItems.extractOutputValues())
                    .containsExactlyInAnyOrder(
                            partial("s1", "apple", HOUR, 5, 2, HOUR + 20),
                            partial("s2", "apple", HOUR, 2, 1, HOUR + 10));
        }
    }

    @Test
    void aSumNamesTheOffsetsItsEventsCameFromPerPartition() throws Exception {
        try (OneInputStreamOperatorTestHarness<SaleEvent, TallyPartial> harness =
                harness(LocalTally.Key.STORE, ONE_MINUTE, ROOMY)) {
            for (SaleEvent event : List.of(
                    new SaleEvent("i", "apple", "s1", 1, MINUTE, "item_sales", 2, 40L),
                    new SaleEvent("i", "apple", "s1", 1, MINUTE + 1, "item_sales", 0, 7L),
                    new SaleEvent("i", "apple", "s1", 1, MINUTE + 2, "item_sales", 2, 45L),
                    new SaleEvent("i", "apple", "s1", 1, MINUTE + 3, "item_sales", 0, 9L))) {
                process(harness, event);
            }
            harness.endInput();
            TallyPartial only = harness.extractOutputValues().get(0);
            assertThat(only.partitions).containsExactly(2, 0);
            assertThat(only.firstOffsets).containsExactly(40L, 7L);
            assertThat(only.lastOffsets).containsExactly(45L, 9L);
        }
    }

    @Test
    void nothingIsHeldAcrossACheckpoint() throws Exception {
        try (OneInputStreamOperatorTestHarness<SaleEvent, TallyPartial> harness =
                harness(LocalTally.Key.STORE, ONE_MINUTE, ROOMY)) {
            process(harness, sale("s1", "apple", 3, MINUTE));
            harness.prepareSnapshotPreBarrier(1);
            assertThat(harness.extractOutputValues()).containsExactly(partial("s1", null, MINUTE, 3, 1, MINUTE));
            harness.getOutput().clear();

            harness.processWatermark(MINUTE + 1);
            assertThat(harness.extractOutputValues()).isEmpty();
        }
    }

    @Test
    void sumsLeaveEarlyWhenTooManyKeysAreOpenOrTheyWaitedTheMaximumDelay() throws Exception {
        LocalTally.Limits tight = new LocalTally.Limits(Duration.ofMillis(500), 2);
        try (OneInputStreamOperatorTestHarness<SaleEvent, TallyPartial> harness =
                harness(LocalTally.Key.STORE, ONE_MINUTE, tight)) {
            harness.setProcessingTime(1_000);
            process(harness, sale("s1", "apple", 3, MINUTE));
            process(harness, sale("s1", "apple", 1, MINUTE + 1));
            assertThat(harness.getOutput()).isEmpty();
            process(harness, sale("s2", "apple", 2, MINUTE));
            assertThat(drain(harness))
                    .containsExactlyInAnyOrder(
                            partial("s1", null, MINUTE, 4, 2, MINUTE + 1), partial("s2", null, MINUTE, 2, 1, MINUTE));

            process(harness, sale("s3", "apple", 5, MINUTE));
            harness.setProcessingTime(1_499);
            assertThat(harness.getOutput()).isEmpty();
            harness.setProcessingTime(1_500);
            assertThat(drain(harness)).containsExactly(partial("s3", null, MINUTE, 5, 1, MINUTE));
        }
    }

    private static OneInputStreamOperatorTestHarness<SaleEvent, TallyPartial> harness(
            LocalTally.Key key, Duration window, LocalTally.Limits limits) throws Exception {
        OneInputStreamOperatorTestHarness<SaleEvent, TallyPartial> harness =
                new OneInputStreamOperatorTestHarness<>(new LocalTally(key, window, limits));
        harness.setProcessingTime(0);
        harness.open();
        return harness;
    }

    private static void process(OneInputStreamOperatorTestHarness<SaleEvent, TallyPartial> harness, SaleEvent event)
            throws Exception {
        harness.processElement(event, event.timestampMs);
    }

    private static List<TallyPartial> drain(OneInputStreamOperatorTestHarness<SaleEvent, TallyPartial> harness) {
        List<TallyPartial> values = harness.extractOutputValues();
        harness.getOutput().clear();
        return values;
    }

    private static StreamRecord<TallyPartial> record(TallyPartial partial) {
        return new StreamRecord<>(partial, partial.maxTimestampMs);
    }

    private static TallyPartial partial(
            String storeId, String itemName, long windowStartMs, long units, long events, long maxTimestampMs) {
        TallyPartial partial = new TallyPartial(storeId, itemName, null, windowStartMs);
        partial.units = units;
        partial.events = events;
        partial.maxTimestampMs = maxTimestampMs;
        return partial;
    }
}
