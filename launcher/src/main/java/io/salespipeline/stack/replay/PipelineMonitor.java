package io.salespipeline.stack.replay;

import io.salespipeline.contract.Metrics;
import io.salespipeline.contract.ViewVersions;
import io.salespipeline.stack.Progress;
import io.salespipeline.stack.clients.FlinkRest;
import io.salespipeline.stack.clients.LogPositions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** What a running pipeline job is doing, read the way an operator would: Flink REST, its metrics and Kafka offsets. */
public final class PipelineMonitor implements AutoCloseable {

    /**
     * One reading; counters are since the job (re)started, offsets are the log's. {@code pendingRecords}
     * is what the source's Kafka consumers have yet to read (its FLIP-33 {@code pendingRecords}
     * metric, -1 before it reports): each consumer computes it from its own fetch position and the
     * log end it last saw, so unlike a live log end minus a position reported a few seconds ago it
     * does not show a backlog that is only the metric's age.
     */
    public record Snapshot(
            String state,
            long logEvents,
            long pendingRecords,
            Map<Integer, Long> behindByPartition,
            long parsed,
            long rejected,
            long late,
            long checkpoints,
            long secondsSinceCheckpoint) {
        public long totalLag() {
            return pendingRecords >= 0
                    ? pendingRecords
                    : behindByPartition.values().stream()
                            .mapToLong(Long::longValue)
                            .sum();
        }

        public String lagText() {
            return Progress.perPartition(behindByPartition);
        }
    }

    private final FlinkRest flink;
    private final LogPositions log;
    private final String topic;

    public PipelineMonitor(String flinkRest, String kafkaBootstrap, String topic) {
        this.flink = new FlinkRest(flinkRest);
        this.log = new LogPositions(kafkaBootstrap);
        this.topic = topic;
    }

    public Snapshot snapshot(VersionOperations.Deployment deployment) {
        String jobId = deployment.jobId();
        String state = flink.job(jobId).map(FlinkRest.Job::state).orElse("UNKNOWN");
        Map<Integer, Long> end = log.endOffsets(topic);
        Map<Integer, Long> start = log.startOffsets(topic);
        long events = 0;
        for (Map.Entry<Integer, Long> e : end.entrySet()) {
            events += e.getValue() - start.getOrDefault(e.getKey(), 0L);
        }
        Map<Integer, Long> lag =
                recordsBehind(flink, log, jobId, topic, ViewVersions.consumerGroup(deployment.version()), end);
        FlinkRest.Checkpoints checkpoints = flink.checkpoints(jobId);
        long age = checkpoints.lastCompletedAt() == 0
                ? -1
                : Duration.between(Instant.ofEpochMilli(checkpoints.lastCompletedAt()), Instant.now())
                        .toSeconds();
        long pending = flink.sourceMetricSum(jobId, "pendingRecords")
                .map(Double::longValue)
                .orElse(-1L);
        return new Snapshot(
                state,
                events,
                pending,
                lag,
                metric(jobId, Metrics.inGroup(Metrics.PARSE_GROUP, Metrics.PARSED)),
                metric(jobId, Metrics.inGroup(Metrics.PARSE_GROUP, Metrics.REJECTED)),
                metric(jobId, Metrics.LATE_EVENTS),
                checkpoints.completedCount(),
                age);
    }

    /**
     * Records each partition of the log holds past what the running job's source has read: its live
     * consumer lag, from the source's own position metrics. The group's committed offsets, which only
     * move at checkpoints and would show a backlog that is not there, stand in only for a partition
     * the source has not reported yet (before its first read), and the log's start for one never committed.
     */
    static Map<Integer, Long> recordsBehind(
            FlinkRest flink, LogPositions log, String jobId, String topic, String groupId, Map<Integer, Long> end) {
        Map<Integer, Long> reading = flink.sourcePositions(jobId, topic);
        Map<Integer, Long> committed =
                reading.keySet().containsAll(end.keySet()) ? Map.of() : log.committed(groupId, topic);
        boolean unknown = end.keySet().stream().anyMatch(p -> !reading.containsKey(p) && !committed.containsKey(p));
        Map<Integer, Long> start = unknown ? log.startOffsets(topic) : Map.of();
        Map<Integer, Long> behind = new TreeMap<>();
        end.forEach((partition, endOffset) -> {
            long position = reading.getOrDefault(
                    partition, committed.getOrDefault(partition, start.getOrDefault(partition, 0L)));
            behind.put(partition, Math.max(0, endOffset - position));
        });
        return behind;
    }

    private long metric(String jobId, String suffix) {
        return flink.metricSum(jobId, suffix).map(Double::longValue).orElse(0L);
    }

    @Override
    public void close() {
        log.close();
    }
}
