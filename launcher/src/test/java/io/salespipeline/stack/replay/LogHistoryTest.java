package io.salespipeline.stack.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LogHistoryTest {

    @Test
    void onlyPartitionsThatNoLongerStartAtZeroMissHistoryAndEachSaysWhichOffsetsAreGone() {
        Map<Integer, Long> missing = LogHistory.missing(Map.of(0, 120L, 1, 0L, 2, 1L, 3, 0L));
        assertThat(missing).containsOnlyKeys(0, 2);
        assertThat(LogHistory.describe(missing))
                .isEqualTo(
                        "partition 0 from offset 120 (offsets 0-119 gone), partition 2 from offset 1 (offsets 0-0 gone)");
        assertThat(LogHistory.missing(Map.of(0, 0L, 1, 0L))).isEmpty();
    }
}
