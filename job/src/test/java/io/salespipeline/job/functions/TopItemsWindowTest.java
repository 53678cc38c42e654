package io.salespipeline.job.functions;

import static io.salespipeline.job.functions.Sales.HOUR;
import static io.salespipeline.job.functions.Sales.sale;
import static io.salespipeline.job.functions.Sales.window;
import static io.salespipeline.job.functions.WindowHarness.drain;
import static io.salespipeline.job.functions.WindowHarness.harness;
import static io.salespipeline.job.functions.WindowHarness.process;
import static io.salespipeline.job.functions.WindowHarness.source;
import static org.assertj.core.api.Assertions.assertThat;

import io.salespipeline.job.records.TallyPartial;
import io.salespipeline.job.records.TopItemsRank;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/**
 * The top-items window exactly as {@link SalesAggregations#topItems} builds it, in a test harness ({@link
 * WindowHarness}).
 */
// The harness's close() declares Exception.
@SuppressWarnings("try")
class TopItemsWindowTest {

    private static final long HOUR_END = HOUR + 3_600_000;
    private static final Duration ONE_HOUR = Duration.ofHours(1);
    private static final Duration LATENESS = Duration.ofSeconds(60);
    private static final Duration EARLY = Duration.ofSeconds(5);

    @Test
    void ranksByUnitsThenNameAndEmitsOnlyTheRanksThatChanged() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, TallyPartial, TopItemsRank> harness = topItems(3)) {
            Early early = new Early(harness);
            process(harness, sale("s1", "apple", 5, HOUR));
            assertThat(early.fire()).containsExactly(rank("s1", 1, "apple", 5, false));

            process(harness, sale("s1", "banana", 7, HOUR));
            assertThat(early.fire())
                    .containsExactly(rank("s1", 1, "banana", 7, false), rank("s1", 2, "apple", 5, false));

            process(harness, sale("s1", "cherry", 5, HOUR));
            assertThat(early.fire()).containsExactly(rank("s1", 3, "cherry", 5, false));

            // Another store's window is ranked on its own.
            process(harness, sale("s2", "cherry", 1, HOUR));
            assertThat(early.fire()).containsExactly(rank("s2", 1, "cherry", 1, false));

            // date overtakes apple and cherry; cherry drops out and its rank row is overwritten by apple.
            process(harness, sale("s1", "date", 6, HOUR));
            assertThat(early.fire()).containsExactly(rank("s1", 2, "date", 6, false), rank("s1", 3, "apple", 5, false));

            // An item outside the top N that stays outside changes no row.
            process(harness, sale("s1", "elder", 2, HOUR));
            assertThat(early.fire()).isEmpty();

            process(harness, sale("s1", "banana", 1, HOUR));
            assertThat(early.fire()).containsExactly(rank("s1", 1, "banana", 8, false));
        }
    }

    @Test
    void emitsTheWholeRankingAsFinalAtTheWindowEndEvenWithFewerThanNItems() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, TallyPartial, TopItemsRank> harness = topItems(5)) {
            process(harness, sale("s1", "apple", 5, HOUR));
            process(harness, sale("s1", "banana", 5, HOUR + 60_000));
            harness.processWatermark(HOUR_END - 2);
            assertThat(drain(harness)).isEmpty();

            harness.processWatermark(HOUR_END - 1);
            assertThat(drain(harness))
                    .containsExactly(rank("s1", 1, "apple", 5, true), rank("s1", 2, "banana", 5, true));
        }
    }

    @Test
    void lateSalesReEmitChangedRanksAsFinalWithinTheLatenessAndLeaveAsClosedWindowSalesAfterIt() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, TallyPartial, TopItemsRank> harness = topItems(2)) {
            process(harness, sale("s1", "apple", 5, HOUR));
            process(harness, sale("s1", "banana", 3, HOUR));
            process(harness, sale("s1", "cherry", 1, HOUR));
            harness.processWatermark(HOUR_END - 1);
            assertThat(drain(harness))
                    .containsExactly(rank("s1", 1, "apple", 5, true), rank("s1", 2, "banana", 3, true));

            harness.processWatermark(HOUR_END + 30_000);
            process(harness, sale("s1", "cherry", 5, HOUR + 10));
            assertThat(drain(harness))
                    .containsExactly(rank("s1", 1, "cherry", 6, true), rank("s1", 2, "apple", 5, true));

            // The latest sale the gate still forwards: timestamp + lateness == watermark.
            harness.processWatermark(HOUR_END - 1 + 60_000);
            process(harness, sale("s1", "banana", 4, HOUR_END - 1));
            assertThat(drain(harness))
                    .containsExactly(rank("s1", 1, "banana", 7, true), rank("s1", 2, "cherry", 6, true));

            // Past the lateness the window and its ranking are gone: a sale for it is routed, not ranked from scratch.
            harness.processWatermark(HOUR_END + 60_000);
            assertThat(harness.numKeyedStateEntries()).isZero();
            process(harness, sale("s1", "date", 9, HOUR + 20));
            assertThat(drain(harness)).isEmpty();
            assertThat(harness.getSideOutput(SalesAggregations.LATE_PARTIALS))
                    .extracting(r -> r.getValue().storeId, r -> r.getValue().itemName, r -> r.getValue().units)
                    .containsExactly(Tuple.tuple("s1", "date", 9L));
            assertThat(harness.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void aRankedItemWhoseUnitsShrinkIsRankedAgainstEveryItem() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, TallyPartial, TopItemsRank> harness = topItems(2)) {
            Early early = new Early(harness);
            process(harness, sale("s1", "apple", 10, HOUR));
            process(harness, sale("s1", "banana", 8, HOUR));
            process(harness, sale("s1", "cherry", 6, HOUR));
            early.fire();

            // Returns (negative sales) pushed apple below cherry, which was outside the top 2.
            process(harness, sale("s1", "apple", -5, HOUR));
            assertThat(early.fire())
                    .containsExactly(rank("s1", 1, "banana", 8, false), rank("s1", 2, "cherry", 6, false));
        }
    }

    /**
     * A checkpoint after the hour's final ranks but inside its lateness, a late sale, a failure and
     * a restore: the replayed sale arrives before any watermark, and the ranks it changes must come
     * out final, since no end-of-window firing is left to rewrite them.
     */
    @Test
    void ranksChangedAfterARestoreOfAFinalRankingAreFinal() throws Exception {
        OperatorSubtaskState checkpoint;
        try (KeyedOneInputStreamOperatorTestHarness<String, TallyPartial, TopItemsRank> harness = topItems(2)) {
            process(harness, sale("s1", "apple", 10, HOUR));
            process(harness, sale("s1", "banana", 8, HOUR));
            harness.processWatermark(HOUR_END - 1);
            assertThat(drain(harness))
                    .containsExactly(rank("s1", 1, "apple", 10, true), rank("s1", 2, "banana", 8, true));
            checkpoint = harness.snapshot(1, 0);
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, TallyPartial, TopItemsRank> restored =
                harness(SalesAggregations.topItems(source(), window(ONE_HOUR, LATENESS, EARLY), 2), checkpoint)) {
            process(restored, sale("s1", "banana", 4, HOUR));
            restored.setProcessingTime(EARLY.toMillis());
            assertThat(drain(restored))
                    .containsExactly(rank("s1", 1, "banana", 12, true), rank("s1", 2, "apple", 10, true));
        }
    }

    /**
     * The defect the whole-chain test found in the ranking kept beside the windows: a ranking
     * purged before a restore, then sales of its hour read again before any watermark. The window
     * stays closed; each item's sales leave once as closed-window sales, however often it fires.
     */
    @Test
    void aRankingPurgedBeforeARestoreIsNotStartedAgainFromTheSalesAfterIt() throws Exception {
        OperatorSubtaskState checkpoint;
        try (KeyedOneInputStreamOperatorTestHarness<String, TallyPartial, TopItemsRank> harness = topItems(2)) {
            process(harness, sale("s1", "apple", 10, HOUR));
            harness.processWatermark(HOUR_END + 60_000);
            assertThat(drain(harness)).containsExactly(rank("s1", 1, "apple", 10, true));
            checkpoint = harness.snapshot(1, 0);
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, TallyPartial, TopItemsRank> restored =
                harness(SalesAggregations.topItems(source(), window(ONE_HOUR, LATENESS, EARLY), 2), checkpoint)) {
            Early early = new Early(restored);
            process(restored, sale("s1", "kiwi", 2, HOUR + 5));
            early.fire();
            process(restored, sale("s1", "kiwi", 3, HOUR + 6));
            process(restored, sale("s1", "pear", 1, HOUR + 7));
            early.fire();
            restored.processWatermark(HOUR_END + 120_000);
            assertThat(drain(restored)).as("no ranking for the purged hour").isEmpty();
            assertThat(restored.getSideOutput(SalesAggregations.LATE_PARTIALS))
                    .extracting(r -> r.getValue().itemName, r -> r.getValue().units, r -> r.getValue().events)
                    .as("closed-window sales, each once")
                    .containsExactlyInAnyOrder(
                            Tuple.tuple("kiwi", 2L, 1L), Tuple.tuple("kiwi", 3L, 1L), Tuple.tuple("pear", 1L, 1L));
        }
    }

    @Test
    void joinedRanksCarryTheItemsCategoryAndRevenueAndAreStillRankedByUnits() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, TallyPartial, TopItemsRank> harness = topItems(3)) {
            process(harness, sale("s1", "apple", 2, HOUR).joined(new BigDecimal("0.40"), "fruit", "north"));
            // the catalog moved apple to another category within the hour: the greatest name stays, in every order
            process(harness, sale("s1", "apple", 1, HOUR + 10).joined(new BigDecimal("0.5"), "produce", "north"));
            process(harness, sale("s1", "fig", 5, HOUR + 20).joined(null, null, "north"));
            process(harness, sale("s1", "pear", 1, HOUR + 30).joined(new BigDecimal("9.99"), "fruit", "north"));
            harness.processWatermark(HOUR_END - 1);

            TopItemsRank fig = rank("s1", 1, "fig", 5, true);
            fig.category = null;
            TopItemsRank apple = rank("s1", 2, "apple", 3, true);
            apple.category = "produce";
            apple.revenue = new BigDecimal("1.30");
            TopItemsRank pear = rank("s1", 3, "pear", 1, true);
            pear.category = "fruit";
            pear.revenue = new BigDecimal("9.99");
            assertThat(drain(harness))
                    .as("ranked by units, not by revenue; an item without a price has no category")
                    .containsExactly(fig, apple, pear);
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, TallyPartial, TopItemsRank> topItems(int topN)
            throws Exception {
        return harness(SalesAggregations.topItems(source(), window(ONE_HOUR, LATENESS, EARLY), topN));
    }

    private static TopItemsRank rank(String storeId, int rank, String itemName, long units, boolean finalResult) {
        return new TopItemsRank(storeId, HOUR, HOUR_END, rank, itemName, units, finalResult);
    }

    /** Lets the early-firing interval pass on the harness's processing-time clock. */
    private static final class Early {
        private final KeyedOneInputStreamOperatorTestHarness<String, TallyPartial, TopItemsRank> harness;
        private long now;

        Early(KeyedOneInputStreamOperatorTestHarness<String, TallyPartial, TopItemsRank> harness) {
            this.harness = harness;
        }

        List<TopItemsRank> fire() throws Exception {
            now += EARLY.toMillis();
            harness.setProcessingTime(now);
            return drain(harness);
        }
    }
}
