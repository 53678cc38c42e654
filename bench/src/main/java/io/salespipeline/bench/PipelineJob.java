package io.salespipeline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.salespipeline.stack.Pause;
import io.salespipeline.stack.StackException;
import io.salespipeline.stack.clients.FlinkRest;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** One pipeline job the bench submitted, observed through the Flink REST API. */
final class PipelineJob {

    /** What {@code /jobs/overview} says about a job: its state and how many of its subtasks run. */
    /** A completed checkpoint: when it was triggered and when the last task acknowledged it (epoch ms). */
    record Checkpoint(long id, long triggeredAt, long completedAt) {}

    final String id;
    final long submittedAt;
    private final FlinkRest flink;
    private long runningAt;

    PipelineJob(FlinkRest flink, String id, long submittedAt) {
        this.flink = flink;
        this.id = id;
        this.submittedAt = submittedAt;
    }

    /** Epoch ms at which all tasks were first seen running. */
    long runningAt() {
        return runningAt;
    }

    void awaitAllRunning(Duration timeout) {
        flink.awaitAllTasksRunning(id, timeout);
        runningAt = System.currentTimeMillis();
    }

    /** Where the job's first task (its source) runs its first subtask: a TaskManager's resource id. */
    String taskManagerOfFirstSubtask() {
        String vertex =
                flink.get("/jobs/" + id).path("vertices").path(0).path("id").asText();
        String taskManager = flink.get("/jobs/" + id + "/vertices/" + vertex)
                .path("subtasks")
                .path(0)
                .path("taskmanager-id")
                .asText();
        if (vertex.isEmpty() || taskManager.isEmpty() || taskManager.equals("(unassigned)")) {
            throw new StackException("job " + id + " has no subtask on a TaskManager yet (see " + flink.base()
                    + "/#/job/running/" + id + ")");
        }
        return taskManager;
    }

    /** Whether the job went into RESTARTING at or after this time (epoch milliseconds). */
    boolean restartingSince(long epochMillis) {
        return flink.get("/jobs/" + id).path("timestamps").path("RESTARTING").asLong() >= epochMillis;
    }

    FlinkRest.Tasks tasks() {
        return flink.tasks(id);
    }

    /** The next offset the source will read in each partition ({@link FlinkRest#sourcePositions}). */
    Map<Integer, Long> positions(String topic) {
        return flink.sourcePositions(id, topic);
    }

    Optional<Checkpoint> lastCheckpoint() {
        return lastCheckpoint(flink.get("/jobs/" + id + "/checkpoints"));
    }

    static Optional<Checkpoint> lastCheckpoint(JsonNode checkpoints) {
        JsonNode completed = checkpoints.path("latest").path("completed");
        if (!completed.has("id")) {
            return Optional.empty();
        }
        return Optional.of(new Checkpoint(
                completed.path("id").asLong(),
                completed.path("trigger_timestamp").asLong(),
                completed.path("latest_ack_timestamp").asLong()));
    }

    /**
     * Where this job's retained checkpoints are, {@code <checkpoint dir>/<job id>}, when that is a
     * directory of this machine; empty before the first checkpoint or for remote storage.
     */
    Optional<Path> localCheckpointDirectory() {
        return localCheckpointDirectory(id, flink.get("/jobs/" + id + "/checkpoints"));
    }

    static Optional<Path> localCheckpointDirectory(String jobId, JsonNode checkpoints) {
        String latest = checkpoints
                .path("latest")
                .path("completed")
                .path("external_path")
                .asText("");
        if (!latest.startsWith("file:")) {
            return Optional.empty();
        }
        Path jobDirectory = Path.of(URI.create(latest)).getParent();
        // Flink's layout is <dir>/<job id>/chk-<n>: never hand back anything but the job's own directory
        return jobDirectory != null && jobDirectory.getFileName().toString().equals(jobId)
                ? Optional.of(jobDirectory)
                : Optional.empty();
    }

    /** Restarts since submission (region failovers included). */
    long restarts() {
        for (JsonNode metric : flink.get("/jobs/" + id + "/metrics?get=numRestarts")) {
            return metric.path("value").asLong();
        }
        return 0;
    }

    /** A counter of the job (e.g. {@code parse.parsed}) summed over its subtasks; 0 while not reported. */
    long counter(String suffix) {
        return flink.metricSum(id, suffix).map(Double::longValue).orElse(0L);
    }

    /** The source's own throughput metric (Flink's 60-second moving average), summed over its subtasks. */
    Optional<Double> sourceRate() {
        return flink.sourceMetricSum(id, "numRecordsOutPerSecond");
    }

    /** Cancels the job and waits until it has ended, so its slots are free again. */
    void cancel() {
        if (flink.findTasks(id).map(FlinkRest.Tasks::ended).orElse(true)) {
            return;
        }
        flink.cancel(id);
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (System.nanoTime() < deadline) {
            if (flink.findTasks(id).map(FlinkRest.Tasks::ended).orElse(true)) {
                return;
            }
            Pause.millis(250);
        }
        throw new StackException("job " + id + " did not end within a minute of being cancelled");
    }
}
