package io.salespipeline.job.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.java.tuple.Tuple4;
import org.junit.jupiter.api.Test;

class PartitionBatchesTest {

    /** (partition, clustering, value, write timestamp): partition key field 0, primary key fields 0 and 1. */
    private static Tuple4<String, String, Integer, Long> row(
            String partition, String clustering, int value, long micros) {
        return Tuple4.of(partition, clustering, value, micros);
    }

    private final List<List<Tuple4<String, String, Integer, Long>>> sent = new ArrayList<>();
    private final PartitionBatches<Tuple4<String, String, Integer, Long>> batches =
            new PartitionBatches<>(new int[] {0}, new int[] {0, 1}, 3);

    @Test
    void rowsOfOnePartitionLeaveTogetherOnceTheBatchIsFull() {
        batches.add(row("p1", "a", 1, 10), sent::add);
        batches.add(row("p2", "a", 2, 10), sent::add);
        batches.add(row("p1", "b", 3, 10), sent::add);
        assertThat(sent).isEmpty();
        assertThat(batches.pendingRows()).isEqualTo(3);

        batches.add(row("p1", "c", 4, 10), sent::add);

        assertThat(sent).containsExactly(List.of(row("p1", "a", 1, 10), row("p1", "b", 3, 10), row("p1", "c", 4, 10)));
        assertThat(batches.pendingRows()).isEqualTo(1);
    }

    @Test
    void drainSendsEveryPartitionInBatchesOfAtMostTheMaximum() {
        batches.add(row("p1", "a", 1, 10), sent::add);
        batches.add(row("p2", "a", 2, 10), sent::add);

        batches.drain(sent::add);

        assertThat(sent).containsExactly(List.of(row("p1", "a", 1, 10)), List.of(row("p2", "a", 2, 10)));
        assertThat(batches.pendingRows()).isZero();
        sent.clear();
        batches.drain(sent::add);
        assertThat(sent).isEmpty();
    }

    @Test
    void ofTwoRowsWithOnePrimaryKeyOnlyTheNewerIsSentWhateverTheOrder() {
        batches.add(row("p1", "a", 1, 10), sent::add);
        batches.add(row("p1", "a", 2, 30), sent::add);
        batches.add(row("p1", "a", 3, 20), sent::add);
        assertThat(batches.pendingRows()).isEqualTo(1);

        batches.drain(sent::add);

        assertThat(sent).containsExactly(List.of(row("p1", "a", 2, 30)));
    }

    @Test
    void rowsWithEqualTimestampsAreBothSentBecauseCassandraThenComparesValues() {
        batches.add(row("p1", "a", 1, 10), sent::add);
        batches.add(row("p1", "b", 5, 10), sent::add);
        batches.add(row("p1", "a", 2, 10), sent::add);

        assertThat(sent).containsExactly(List.of(row("p1", "a", 1, 10), row("p1", "b", 5, 10)));
        batches.drain(sent::add);
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1)).containsExactly(row("p1", "a", 2, 10));
    }

    @Test
    void aBatchNeedsAtLeastOneRow() {
        assertThatThrownBy(() -> new PartitionBatches<>(new int[] {0}, new int[] {0}, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
