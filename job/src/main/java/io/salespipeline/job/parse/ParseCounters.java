package io.salespipeline.job.parse;

import io.salespipeline.contract.Metrics;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

/**
 * A source's parse metrics ({@link Metrics#PARSE_GROUP}): valid records, all dead letters, and dead letters labelled
 * with each {@link RejectReason}'s code.
 */
final class ParseCounters {

    private final Counter parsed;
    private final Counter rejected;
    private final Map<RejectReason, Counter> rejectedByReason = new EnumMap<>(RejectReason.class);

    /** Counters in {@code metrics}; unregistered ones for null, as in tests that use a deserializer unopened. */
    ParseCounters(MetricGroup metrics) {
        MetricGroup group = (metrics == null ? new UnregisteredMetricsGroup() : metrics).addGroup(Metrics.PARSE_GROUP);
        parsed = group.counter(Metrics.PARSED);
        rejected = group.counter(Metrics.REJECTED);
        for (RejectReason reason : RejectReason.values()) {
            rejectedByReason.put(
                    reason, group.addGroup(Metrics.REASON_LABEL, reason.code()).counter(Metrics.REJECTED_BY_REASON));
        }
    }

    void parsed() {
        parsed.inc();
    }

    void rejected(RejectReason reason) {
        rejected.inc();
        rejectedByReason.get(reason).inc();
    }
}
