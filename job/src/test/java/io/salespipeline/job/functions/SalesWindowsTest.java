package io.salespipeline.job.functions;

import static io.salespipeline.job.functions.Sales.HOUR;
import static io.salespipeline.job.functions.Sales.MINUTE;
import static io.salespipeline.job.functions.Sales.sale;
import static io.salespipeline.job.functions.Sales.window;
import static io.salespipeline.job.functions.WindowHarness.drain;
import static io.salespipeline.job.functions.WindowHarness.harness;
import static io.salespipeline.job.functions.WindowHarness.process;
import static io.salespipeline.job.functions.WindowHarness.source;
import static org.assertj.core.api.Assertions.assertThat;

import io.salespipeline.job.records.SaleEvent;
import io.salespipeline.job.records.TallyPartial;
import io.salespipeline.job.records.WindowAggregate;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The store, item and region windows exactly as {@link SalesAggregations} builds them, in a test harness ({@link
 * WindowHarness}).
 */
// The harness's close() declares Exception.
@SuppressWarnings("try")
class SalesWindowsTest {

    private static final Duration ONE_MINUTE = Duration.ofMinutes(1);
    private static final Duration ONE_HOUR = Duration.ofHours(1);
    private static final Duration LATENESS = Duration.ofSeconds(60);
    private static final Duration EARLY = Duration.ofSeconds(5);
    private static final long MINUTE_END = MINUTE + 60_000;

    @Test
    void storeMinuteWindowsEmitFinalRowsPerStoreWhenTheWatermarkPassesTheEnd() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, TallyPartial, WindowAggregate> harness =
                harness(SalesAggregations.storeSales(source(), window(ONE_MINUTE, LATENESS, EARLY)))) {
            process(harness, sale("s1", "apple", 3, MINUTE + 1_000));
            process(harness, sale("s2", "pear", 5, MINUTE + 59_999));
            process(harness, sale("s1", "plum", 2, MINUTE + 30_000));
            process(harness, sale("s1", "apple", 7, MINUTE_END));

            harness.processWatermark(MINUTE_END - 2);
            assertThat(harness.extractOutputValues()).isEmpty();

            harness.processWatermark(MINUTE_END - 1);
            assertThat(harness.extractOutputValues())
                    .containsExactlyInAnyOrder(
                            new WindowAggregate("s1", MINUTE, MINUTE_END, 5, 2, true),
                            new WindowAggregate("s2", MINUTE, MINUTE_END, 5, 1, true));
        }
    }

    @Test
    void revenueIsExactAndTheSameInEveryOrderOfTheSales() throws Exception {
        List<SaleEvent> sales = List.of(
                sale("s1", "apple", 3, MINUTE + 1_000).joined(new BigDecimal("4.95"), "fruit", "north"),
                sale("s1", "pear", 5, MINUTE + 2_000).joined(new BigDecimal("1.1"), "fruit", "north"),
                sale("s1", "plum", 2, MINUTE + 3_000).joined(new BigDecimal("0.125"), "fruit", "north"),
                sale("s1", "fig", 4, MINUTE + 4_000).joined(null, null, "north"));
        List<List<SaleEvent>> orders = new ArrayList<>();
        for (int first = 0; first < sales.size(); first++) {
            List<SaleEvent> order = new ArrayList<>(sales);
            Collections.rotate(order, first);
            orders.add(order);
            List<SaleEvent> reversed = new ArrayList<>(order);
            Collections.reverse(reversed);
            orders.add(reversed);
        }
        for (List<SaleEvent> order : orders) {
            try (KeyedOneInputStreamOperatorTestHarness<String, TallyPartial, WindowAggregate> harness =
                    harness(SalesAggregations.storeSales(source(), window(ONE_MINUTE, LATENESS, EARLY)))) {
                for (SaleEvent sale : order) {
                    process(harness, sale);
                }
                harness.processWatermark(MINUTE_END - 1);
                WindowAggregate expected = new WindowAggregate("s1", MINUTE, MINUTE_END, 14, 4, true);
                // 3 x 4.95 + 5 x 1.1 + 2 x 0.125, to the largest scale of its terms
                expected.revenue = new BigDecimal("20.600");
                expected.unpricedEvents = 1;
                assertThat(harness.extractOutputValues())
                        .as("sales in the order %s", order)
                        .containsExactly(expected);
            }
        }
    }

    @Test
    void earlyResultsFollowTheIntervalAndOnlyWhenChanged() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, TallyPartial, WindowAggregate> harness =
                harness(SalesAggregations.storeSales(source(), window(ONE_MINUTE, LATENESS, EARLY)))) {
            harness.setProcessingTime(1_000);
            process(harness, sale("s1", "apple", 3, MINUTE + 1_000));

            harness.setProcessingTime(5_999);
            assertThat(harness.extractOutputValues()).isEmpty();

            harness.setProcessingTime(6_000);
            assertThat(drain(harness)).containsExactly(new WindowAggregate("s1", MINUTE, MINUTE_END, 3, 1, false));

            harness.setProcessingTime(30_000);
            assertThat(drain(harness)).isEmpty();

            // The first change arms the timer; later ones within the interval ride on it.
            process(harness, sale("s1", "plum", 2, MINUTE + 2_000));
            harness.setProcessingTime(33_000);
            process(harness, sale("s1", "plum", 4, MINUTE + 3_000));
            harness.setProcessingTime(35_000);
            assertThat(drain(harness)).containsExactly(new WindowAggregate("s1", MINUTE, MINUTE_END, 9, 3, false));
            harness.setProcessingTime(38_000);
            assertThat(drain(harness)).isEmpty();

            // An early result still pending at the window end is superseded by the final one.
            process(harness, sale("s1", "plum", 1, MINUTE + 4_000));
            harness.processWatermark(MINUTE_END - 1);
            assertThat(drain(harness)).containsExactly(new WindowAggregate("s1", MINUTE, MINUTE_END, 10, 4, true));
            harness.setProcessingTime(43_000);
            assertThat(drain(harness)).isEmpty();
            assertThat(harness.numProcessingTimeTimers()).isZero();
        }
    }

    @Test
    void lateEventsWithinTheAllowedLatenessUpdateTheFinalRowAndLaterOnesLeaveThroughTheSideOutput() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, TallyPartial, WindowAggregate> harness =
                harness(SalesAggregations.storeSales(source(), window(ONE_MINUTE, LATENESS, EARLY)))) {
            process(harness, sale("s1", "apple", 3, MINUTE + 1_000));
            harness.processWatermark(MINUTE_END - 1);
            assertThat(drain(harness)).containsExactly(new WindowAggregate("s1", MINUTE, MINUTE_END, 3, 1, true));

            harness.processWatermark(MINUTE_END + 30_000);
            process(harness, sale("s1", "plum", 2, MINUTE + 10_000));
            assertThat(drain(harness)).containsExactly(new WindowAggregate("s1", MINUTE, MINUTE_END, 5, 2, true));

            // The latest event the gate still forwards: timestamp + lateness == watermark.
            harness.processWatermark(MINUTE_END - 1 + 60_000);
            SaleEvent atTheLimit = sale("s1", "plum", 4, MINUTE_END - 1);
            process(harness, atTheLimit);
            assertThat(drain(harness)).containsExactly(new WindowAggregate("s1", MINUTE, MINUTE_END, 9, 3, true));

            harness.processWatermark(MINUTE_END + 60_000);
            assertThat(harness.numKeyedStateEntries()).isZero();
            SaleEvent tooLate = sale("s1", "plum", 8, MINUTE_END - 1);
            process(harness, tooLate);
            assertThat(drain(harness)).isEmpty();
            assertThat(harness.numKeyedStateEntries()).isZero();
            // the gate could not see it coming (its subtask's partitions were all idle): not dropped, routed
            assertThat(harness.getSideOutput(SalesAggregations.LATE_PARTIALS))
                    .extracting(r -> r.getValue().units, r -> r.getValue().events)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(8L, 1L));
        }
    }

    /**
     * A checkpoint between the window's final firing and the end of its lateness, a failure, a
     * restore: the restored operator's watermark starts from nothing, and the partials read again
     * after the checkpoint re-arm the early timer. Their rows must still be final.
     */
    @Test
    void aWindowRestoredAfterItsFinalFiringNeverEmitsAnEarlyRowAgain() throws Exception {
        Checkpointed before = checkpointAfter(
                SalesAggregations.storeSales(source(), window(ONE_MINUTE, LATENESS, EARLY)),
                sale("s1", "apple", 3, MINUTE + 1_000),
                MINUTE_END - 1);
        assertThat(before.emitted()).containsExactly(new WindowAggregate("s1", MINUTE, MINUTE_END, 3, 1, true));
        try (KeyedOneInputStreamOperatorTestHarness<String, TallyPartial, WindowAggregate> restored =
                harness(SalesAggregations.storeSales(source(), window(ONE_MINUTE, LATENESS, EARLY)), before.state())) {
            // the late sale the lost run had read after the checkpoint, read again
            process(restored, sale("s1", "plum", 2, MINUTE + 10_000));
            restored.setProcessingTime(EARLY.toMillis());
            assertThat(drain(restored)).containsExactly(new WindowAggregate("s1", MINUTE, MINUTE_END, 5, 2, true));
            restored.processWatermark(MINUTE_END + 1_000);
            assertThat(drain(restored)).allMatch(row -> row.finalResult);
        }
    }

    /**
     * A window purged before the checkpoint, then sales for it after the restore, before any
     * watermark (the gate's floor followed a subtask that was behind while the one that closed the
     * window was idle): the window must not open again and write them over its final row, nor
     * open for a key it never had. They leave as closed-window sales, once, however often the
     * reopened window fires.
     */
    @Test
    void aWindowPurgedBeforeARestoreStaysClosedAndItsLaterSalesAreRoutedOnce() throws Exception {
        Checkpointed purged = checkpointAfter(
                SalesAggregations.itemSales(source(), window(ONE_HOUR, LATENESS, EARLY)),
                sale("s1", "apple", 3, MINUTE + 1_000),
                MINUTE + 3_600_000 + 60_000);
        assertThat(purged.emitted())
                .extracting(w -> w.units, w -> w.finalResult)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(3L, true));
        try (KeyedOneInputStreamOperatorTestHarness<String, TallyPartial, WindowAggregate> restored =
                harness(SalesAggregations.itemSales(source(), window(ONE_HOUR, LATENESS, EARLY)), purged.state())) {
            process(restored, sale("s2", "apple", 2, MINUTE + 10_000));
            restored.setProcessingTime(EARLY.toMillis());
            process(restored, sale("s3", "apple", 4, MINUTE + 20_000));
            // a key that had no window then: the hour is closed for every key
            process(restored, sale("s1", "kiwi", 7, MINUTE + 30_000));
            restored.setProcessingTime(2 * EARLY.toMillis());
            restored.processWatermark(MINUTE + 3_600_000 + 120_000);
            assertThat(drain(restored)).as("no row for the purged window").isEmpty();
            assertThat(restored.getSideOutput(SalesAggregations.LATE_PARTIALS))
                    .extracting(r -> r.getValue().itemName, r -> r.getValue().units)
                    .as("closed-window sales, each once")
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple("apple", 2L),
                            org.assertj.core.groups.Tuple.tuple("apple", 4L),
                            org.assertj.core.groups.Tuple.tuple("kiwi", 7L));
            // a later window of the same key is not closed
            process(restored, sale("s1", "apple", 5, MINUTE + 3_600_000 + 1_000));
            restored.processWatermark(MINUTE + 2 * 3_600_000);
            assertThat(drain(restored))
                    .extracting(w -> w.units, w -> w.finalResult)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(5L, true));
        }
    }

    @Test
    void itemHourWindowsAddUpAcrossStores() throws Exception {
        long hourEnd = HOUR + 3_600_000;
        try (KeyedOneInputStreamOperatorTestHarness<String, TallyPartial, WindowAggregate> harness =
                harness(SalesAggregations.itemSales(source(), window(ONE_HOUR, LATENESS, EARLY)))) {
            process(harness, sale("s1", "apple", 3, HOUR));
            process(harness, sale("s2", "apple", 4, HOUR + 1_800_000));
            process(harness, sale("s2", "pear", 1, hourEnd - 1));
            process(harness, sale("s1", "apple", 9, hourEnd));

            harness.processWatermark(hourEnd - 1);
            assertThat(harness.extractOutputValues())
                    .containsExactlyInAnyOrder(
                            new WindowAggregate("apple", HOUR, hourEnd, 7, 2, true),
                            new WindowAggregate("pear", HOUR, hourEnd, 1, 1, true));
        }
    }

    @Test
    void regionHourWindowsAddUpTheStoresOfARegionAndCountUnlistedStoresUnderUnknown() throws Exception {
        long hourEnd = HOUR + 3_600_000;
        try (KeyedOneInputStreamOperatorTestHarness<String, TallyPartial, WindowAggregate> harness =
                harness(SalesAggregations.regionSales(source(), window(ONE_HOUR, LATENESS, EARLY)))) {
            process(harness, sale("s1", "apple", 3, HOUR).joined(new BigDecimal("0.5"), "fruit", "north"));
            process(harness, sale("s2", "pear", 4, HOUR + 1_800_000).joined(new BigDecimal("1.25"), "fruit", "north"));
            process(harness, sale("s2", "fig", 2, hourEnd - 1).joined(null, null, "north"));
            process(harness, sale("s9", "apple", 1, HOUR + 5).joined(new BigDecimal("0.5"), "fruit", "unknown"));
            process(harness, sale("s1", "apple", 9, hourEnd).joined(new BigDecimal("0.5"), "fruit", "north"));

            harness.processWatermark(hourEnd - 1);
            WindowAggregate north = new WindowAggregate("north", HOUR, hourEnd, 9, 3, true);
            north.revenue = new BigDecimal("6.50");
            north.unpricedEvents = 1;
            WindowAggregate unknown = new WindowAggregate("unknown", HOUR, hourEnd, 1, 1, true);
            unknown.revenue = new BigDecimal("0.5");
            assertThat(harness.extractOutputValues()).containsExactlyInAnyOrder(north, unknown);
        }
    }

    /** What a window operator emitted for one sale up to a watermark, and its checkpoint after that. */
    private record Checkpointed(List<WindowAggregate> emitted, OperatorSubtaskState state) {}

    private static Checkpointed checkpointAfter(
            SingleOutputStreamOperator<WindowAggregate> windowed, SaleEvent sale, long watermark) throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, TallyPartial, WindowAggregate> harness =
                harness(windowed)) {
            process(harness, sale);
            harness.processWatermark(watermark);
            return new Checkpointed(drain(harness), harness.snapshot(1, 10_000));
        }
    }
}
