package io.salespipeline.job.functions;

import static io.salespipeline.job.functions.Sales.HOUR;
import static org.assertj.core.api.Assertions.assertThat;

import io.salespipeline.job.records.StoreItemAggregate;
import io.salespipeline.job.records.TopItemsRank;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

// The harness's close() declares Exception; the tests propagate it anyway.
@SuppressWarnings("try")
class TopItemsFunctionTest {

    private static final long HOUR_END = HOUR + 3_600_000;
    private static final Duration LATENESS = Duration.ofSeconds(60);

    @Test
    void ranksByUnitsThenNameAndEmitsOnlyTheRanksThatChanged() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<Tuple2<String, Long>, StoreItemAggregate, TopItemsRank> harness =
                harness(3)) {
            harness.processElement(partial("s1", "apple", 5), 0);
            assertThat(drain(harness)).containsExactly(rank("s1", 1, "apple", 5, false));

            harness.processElement(partial("s1", "banana", 7), 0);
            assertThat(drain(harness)).containsExactly(
                    rank("s1", 1, "banana", 7, false), rank("s1", 2, "apple", 5, false));

            harness.processElement(partial("s1", "cherry", 5), 0);
            assertThat(drain(harness)).containsExactly(rank("s1", 3, "cherry", 5, false));

            // Another store's window is ranked on its own.
            harness.processElement(partial("s2", "cherry", 1), 0);
            assertThat(drain(harness)).containsExactly(rank("s2", 1, "cherry", 1, false));

            // date overtakes apple and cherry; cherry drops out and its rank row is overwritten by apple.
            harness.processElement(partial("s1", "date", 6), 0);
            assertThat(drain(harness)).containsExactly(
                    rank("s1", 2, "date", 6, false), rank("s1", 3, "apple", 5, false));

            // An item outside the top N that stays outside changes no row.
            harness.processElement(partial("s1", "cherry", 5), 0);
            harness.processElement(partial("s1", "elder", 2), 0);
            assertThat(drain(harness)).isEmpty();

            harness.processElement(partial("s1", "banana", 8), 0);
            assertThat(drain(harness)).containsExactly(rank("s1", 1, "banana", 8, false));
        }
    }

    @Test
    void emitsTheWholeRankingAsFinalAtTheWindowEndEvenWithFewerThanNItems() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<Tuple2<String, Long>, StoreItemAggregate, TopItemsRank> harness =
                harness(5)) {
            harness.processElement(partial("s1", "apple", 5), 0);
            harness.processElement(partial("s1", "banana", 5), 0);
            drain(harness);

            harness.processWatermark(HOUR_END - 2);
            assertThat(drain(harness)).isEmpty();

            harness.processWatermark(HOUR_END - 1);
            assertThat(drain(harness)).containsExactly(
                    rank("s1", 1, "apple", 5, true), rank("s1", 2, "banana", 5, true));
        }
    }

    @Test
    void lateUpdatesReEmitChangedRanksAsFinalUntilTheStateIsCleared() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<Tuple2<String, Long>, StoreItemAggregate, TopItemsRank> harness =
                harness(2)) {
            harness.processElement(partial("s1", "apple", 5), 0);
            harness.processElement(partial("s1", "banana", 3), 0);
            harness.processElement(partial("s1", "cherry", 1), 0);
            drain(harness);
            harness.processWatermark(HOUR_END - 1);
            assertThat(drain(harness)).containsExactly(
                    rank("s1", 1, "apple", 5, true), rank("s1", 2, "banana", 3, true));

            harness.processWatermark(HOUR_END + 30_000);
            harness.processElement(partial("s1", "cherry", 6), 0);
            assertThat(drain(harness)).containsExactly(
                    rank("s1", 1, "cherry", 6, true), rank("s1", 2, "apple", 5, true));

            harness.processWatermark(HOUR_END + 59_999);
            assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
            harness.processElement(partial("s1", "banana", 7), 0);
            assertThat(drain(harness)).containsExactly(
                    rank("s1", 1, "banana", 7, true), rank("s1", 2, "cherry", 6, true));

            harness.processWatermark(HOUR_END + 60_000);
            assertThat(drain(harness)).isEmpty();
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aRankedItemWhoseUnitsShrinkIsRankedAgainstEveryItem() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<Tuple2<String, Long>, StoreItemAggregate, TopItemsRank> harness =
                harness(2)) {
            harness.processElement(partial("s1", "apple", 10), 0);
            harness.processElement(partial("s1", "banana", 8), 0);
            harness.processElement(partial("s1", "cherry", 6), 0);
            drain(harness);

            // Returns (negative sales) pushed apple below cherry, which was outside the top 2.
            harness.processElement(partial("s1", "apple", 5), 0);
            assertThat(drain(harness)).containsExactly(
                    rank("s1", 1, "banana", 8, false), rank("s1", 2, "cherry", 6, false));
        }
    }

    /**
     * A checkpoint after the hour's final ranks but inside its lateness, a late partial, a failure
     * and a restore: the replayed partial arrives before any watermark, and the ranks it changes
     * must come out final, since no end-of-window timer is left to rewrite them.
     */
    @Test
    void ranksChangedAfterARestoreOfAFinalRankingAreFinal() throws Exception {
        OperatorSubtaskState checkpoint;
        try (KeyedOneInputStreamOperatorTestHarness<Tuple2<String, Long>, StoreItemAggregate, TopItemsRank> harness = harness(2)) {
            harness.processElement(partial("s1", "apple", 10), HOUR);
            harness.processElement(partial("s1", "banana", 8), HOUR);
            drain(harness);
            harness.processWatermark(HOUR_END - 1);
            assertThat(drain(harness)).containsExactly(rank("s1", 1, "apple", 10, true), rank("s1", 2, "banana", 8, true));
            checkpoint = harness.snapshot(1, 0);
        }
        try (KeyedOneInputStreamOperatorTestHarness<Tuple2<String, Long>, StoreItemAggregate, TopItemsRank> restored =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new TopItemsFunction(2, LATENESS)),
                        partial -> Tuple2.of(partial.storeId, partial.windowStartMs), Types.TUPLE(Types.STRING, Types.LONG))) {
            restored.initializeState(checkpoint);
            restored.open();
            restored.processElement(partial("s1", "banana", 12), HOUR);
            assertThat(drain(restored)).containsExactly(rank("s1", 1, "banana", 12, true), rank("s1", 2, "apple", 10, true));
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<Tuple2<String, Long>, StoreItemAggregate, TopItemsRank>
            harness(int topN) throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new TopItemsFunction(topN, LATENESS),
                partial -> Tuple2.of(partial.storeId, partial.windowStartMs),
                Types.TUPLE(Types.STRING, Types.LONG));
    }

    private static StoreItemAggregate partial(String storeId, String itemName, long units) {
        return new StoreItemAggregate(storeId, itemName, HOUR, HOUR_END, units, units, false);
    }

    private static TopItemsRank rank(String storeId, int rank, String itemName, long units, boolean finalResult) {
        return new TopItemsRank(storeId, HOUR, HOUR_END, rank, itemName, units, finalResult);
    }

    private static List<TopItemsRank> drain(
            KeyedOneInputStreamOperatorTestHarness<Tuple2<String, Long>, StoreItemAggregate, TopItemsRank> harness) {
        List<TopItemsRank> values = harness.extractOutputValues();
        harness.getOutput().clear();
        return values;
    }
}
