package io.salespipeline.job.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import io.salespipeline.job.records.TopItemsRank;
import io.salespipeline.job.records.WindowAggregate;
import org.junit.jupiter.api.Test;

/** Write timestamps of the aggregate views: a final row is never overwritten by an early one. */
class ViewRowsTest {

    private static final long MINUTE = 1_530_305_040_000L;

    private static long writeTimestamp(org.apache.flink.api.java.tuple.Tuple row) {
        return PartitionBatches.writeTimestamp(row);
    }

    @Test
    void anEarlyRowEmittedAfterAFinalOneLosesToIt() {
        ViewRows.Window minutes = new ViewRows.Window("store_sales_per_minute");
        long finalRow = writeTimestamp(minutes.toRow(new WindowAggregate("s1", MINUTE, MINUTE + 60_000, 5, 2, true)));
        // after a restore the window is rebuilt and emits early rows again, later in emission order
        long earlyAgain = writeTimestamp(minutes.toRow(new WindowAggregate("s1", MINUTE, MINUTE + 60_000, 3, 1, false)));
        long finalAgain = writeTimestamp(minutes.toRow(new WindowAggregate("s1", MINUTE, MINUTE + 60_000, 5, 2, true)));
        assertThat(earlyAgain).isLessThan(finalRow);
        assertThat(finalAgain).isGreaterThan(finalRow);
    }

    @Test
    void earlyRowsStillFollowTheirEmissionOrderAndSoDoRanks() {
        ViewRows.Window hours = new ViewRows.Window("item_sales_per_hour");
        long first = writeTimestamp(hours.toRow(new WindowAggregate("apple", MINUTE, MINUTE + 3_600_000, 1, 1, false)));
        long second = writeTimestamp(hours.toRow(new WindowAggregate("apple", MINUTE, MINUTE + 3_600_000, 2, 2, false)));
        assertThat(second).isGreaterThan(first);

        ViewRows.TopItems ranks = new ViewRows.TopItems();
        long finalRank = writeTimestamp(ranks.toRow(new TopItemsRank("s1", MINUTE, MINUTE + 3_600_000, 1, "apple", 9, true)));
        long earlyRank = writeTimestamp(ranks.toRow(new TopItemsRank("s1", MINUTE, MINUTE + 3_600_000, 1, "pear", 4, false)));
        assertThat(earlyRank).isLessThan(finalRank);
    }
}
