package io.salespipeline.stack.replay;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What of the event log a reprocess can still read: a version rebuilt from a log whose partitions no longer start at
 * offset 0 (a retention or {@code deleteRecords} removed history) would not hold what the log once held, and would
 * differ from the version it replaces without any bad logic to blame.
 */
final class LogHistory {

    private LogHistory() {}

    /** The partitions whose first offset is past 0, with that offset: how many of their events are gone. */
    static Map<Integer, Long> missing(Map<Integer, Long> startOffsets) {
        Map<Integer, Long> missing = new TreeMap<>();
        startOffsets.forEach((partition, start) -> {
            if (start > 0) {
                missing.put(partition, start);
            }
        });
        return missing;
    }

    /** {@code partition 0 from offset 120 (offsets 0-119 gone), ...}. */
    static String describe(Map<Integer, Long> missing) {
        return missing.entrySet().stream()
                .map(p -> "partition " + p.getKey() + " from offset " + p.getValue() + " (offsets 0-"
                        + (p.getValue() - 1) + " gone)")
                .collect(Collectors.joining(", "));
    }
}
