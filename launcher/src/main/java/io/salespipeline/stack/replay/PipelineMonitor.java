package io.salespipeline.stack.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** What a running pipeline job is doing, read the way an operator would: Flink REST and Kafka offsets. */
public final class PipelineMonitor implements AutoCloseable {

    /** One reading; counters are since the job (re)started, offsets are the log's. */
    public record Snapshot(String state, long logEvents, Map<Integer, Long> lagByPartition, long parsed, long rejected, long late,
            long checkpoints, long secondsSinceCheckpoint) {
        public long totalLag() {
            return lagByPartition.values().stream().mapToLong(Long::longValue).sum();
        }

        public String lagText() {
            return ReplayCli.partitions(lagByPartition);
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

    public Snapshot snapshot(ReplayCli.Deployment deployment) {
        String jobId = deployment.jobId();
        String state = flink.job(jobId).map(FlinkRest.Job::state).orElse("UNKNOWN");
        Map<Integer, Long> end = log.endOffsets(topic);
        Map<Integer, Long> start = log.startOffsets(topic);
        Map<Integer, Long> committed = log.committed(ReplayCli.groupOf(deployment.version()), topic);
        Map<Integer, Long> lag = new TreeMap<>();
        long events = 0;
        for (Map.Entry<Integer, Long> e : end.entrySet()) {
            long first = start.getOrDefault(e.getKey(), 0L);
            events += e.getValue() - first;
            lag.put(e.getKey(), e.getValue() - committed.getOrDefault(e.getKey(), first));
        }
        FlinkRest.Checkpoints checkpoints = flink.checkpoints(jobId);
        long age = checkpoints.lastCompletedAt() == 0 ? -1 : Duration.between(Instant.ofEpochMilli(checkpoints.lastCompletedAt()), Instant.now()).toSeconds();
        return new Snapshot(state, events, lag, metric(jobId, "parse.parsed"), metric(jobId, "parse.rejected"), metric(jobId, "late_events"),
                checkpoints.completedCount(), age);
    }

    private long metric(String jobId, String suffix) {
        return flink.metricSum(jobId, suffix).map(Double::longValue).orElse(0L);
    }

    @Override
    public void close() {
        log.close();
    }
}
