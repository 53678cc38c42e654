package io.salespipeline.stack.replay;

import com.datastax.oss.driver.api.core.CqlSession;
import io.salespipeline.contract.JobSetting;
import io.salespipeline.contract.Topic;
import io.salespipeline.contract.ViewSchema;
import io.salespipeline.contract.ViewVersions;
import io.salespipeline.stack.Pause;
import io.salespipeline.stack.Progress;
import io.salespipeline.stack.StackException;
import io.salespipeline.stack.clients.Clients;
import io.salespipeline.stack.clients.CqlScripts;
import io.salespipeline.stack.clients.FlinkRest;
import io.salespipeline.stack.clients.LogPositions;
import io.salespipeline.stack.local.JobJar;
import io.salespipeline.stack.local.StackLayout;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One pipeline installation's services (Flink, Kafka, Cassandra with the control table) and the
 * operations on its view versions that the {@code ./replay} commands compose: start a version's
 * job, stop it with a savepoint, find where a version resumes, compare what two versions found late.
 */
final class VersionPipeline implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    /** The job's default {@code --kafka.late-topic}, which every version writes. */
    private static final String LATE_TOPIC = Topic.LATE_EVENTS.defaultName();

    private static final Duration SAVEPOINT_TIMEOUT = Duration.ofMinutes(10);

    private final StackLayout layout;
    private final PrintStream err;
    final FlinkRest flink;
    final String kafka;
    final String cassandra;
    final String topic;
    private final String jarOption;
    final LogPositions log;
    private final CqlSession session;
    final ControlTable control;
    private final KeptJars jars;

    VersionPipeline(
            StackLayout layout,
            PrintStream err,
            FlinkRest flink,
            String kafka,
            String cassandra,
            String topic,
            String jarOption) {
        this.layout = layout;
        this.err = err;
        this.flink = flink;
        this.kafka = kafka;
        this.cassandra = cassandra;
        this.topic = topic;
        this.jarOption = jarOption;
        flink.jobs();
        this.session = Clients.cqlSession(cassandra, "pass --cassandra-contact or CASSANDRA_CONTACT");
        this.control = new ControlTable(session);
        this.log = new LogPositions(kafka);
        this.jars = new KeptJars(layout.jarsDir());
    }

    int activeVersion() {
        return control.active()
                .map(ControlTable.Active::version)
                .orElseThrow(() -> new StackException(
                        "no active version is recorded in sales.active_version: deploy first with ./replay deploy"));
    }

    List<FlinkRest.Job> pipelineJobs() {
        return flink.jobs().stream()
                .filter(j -> versionOf(j).isPresent())
                .sorted(Comparator.comparing(j -> versionOf(j).orElse(0)))
                .toList();
    }

    Optional<FlinkRest.Job> runningJob(int version) {
        return pipelineJobs().stream()
                .filter(FlinkRest.Job::isRunning)
                .filter(j -> versionOf(j).orElse(-1) == version)
                .findFirst();
    }

    /** The code a version runs: a kept jar and the job settings it starts with. */
    record VersionCode(KeptJars.KeptJar jar, List<String> settings) {
        String describe() {
            return "jar " + jar.shortHash() + " (built " + jar.builtAt() + ")"
                    + (settings.isEmpty() ? "" : ", settings " + String.join(" ", settings));
        }
    }

    /**
     * What a version runs: the jar given with {@code --jar}, else the version's own recorded one,
     * else the newest build; the settings given after {@code --}, else the version's own.
     */
    VersionCode code(int version, List<String> givenSettings) {
        Optional<ControlTable.Version> recorded = control.version(version);
        Optional<String> recordedJar = recorded.map(ControlTable.Version::jarSha256);
        KeptJars.KeptJar jar = jarOption == null && recordedJar.isPresent()
                ? jars.find(version, recordedJar.get())
                : jars.keep(JobJar.resolve(layout.repoRoot(), jarOption));
        List<String> settings = !givenSettings.isEmpty()
                ? givenSettings
                : recorded.map(ControlTable.Version::jobSettings).orElse(List.of());
        return new VersionCode(jar, settings);
    }

    String deploy(int version, VersionCode code, Integer parallelism) {
        ensureSchema(version, ViewSchema.of(code.settings()));
        control.initialiseActive(version);
        return start(version, code, List.of(), parallelism, null);
    }

    /** The control tables, and the version's keyspace with the view schema of the logic it is deployed with. */
    void ensureSchema(int version, ViewSchema schema) {
        if (!control.keyspaceExists("sales")) {
            CqlScripts.applyDirectory(session, layout.cqlDir(), null, ViewSchema.PLAIN);
        }
        CqlScripts.applyDirectory(session, layout.cqlDir(), ViewVersions.keyspace(version), schema);
        control.register(version);
    }

    /**
     * Uploads the version's jar, starts its job with its settings (after {@code runOnly}, settings
     * of this start alone, not recorded) and waits until it runs; records the code as the version's.
     */
    String start(int version, VersionCode code, List<String> runOnly, Integer parallelism, String savepointPath) {
        List<String> programArgs = new JobSetting.Arguments()
                .set(JobSetting.VIEW_VERSION, version)
                .set(JobSetting.KAFKA_BOOTSTRAP, kafka)
                .set(JobSetting.CASSANDRA_CONTACT, cassandra)
                .set(JobSetting.KAFKA_TOPIC, topic)
                .addAll(runOnly)
                .addAll(code.settings())
                .toList();
        String jobId = flink.submit(code.jar().path(), programArgs, parallelism, savepointPath, err);
        flink.awaitAllTasksRunning(jobId, START_TIMEOUT);
        control.recordJob(version, jobId, code.jar(), code.settings());
        return jobId;
    }

    /**
     * How many events the new version classified differently from the old one in the late
     * topic, over the log both have committed. The horizon is the log's end when this starts,
     * once both groups have committed up to it (a source commits its offsets asynchronously
     * after a checkpoint completes, one subtask at a time, so the offsets read right after a
     * checkpoint can still miss partitions); one more checkpoint of each job then makes their
     * late envelopes below it visible.
     */
    String compareLate(int before, String beforeJob, int after, String afterJob) {
        Map<Integer, Long> horizon = committedHorizon(
                log.endOffsets(topic), ViewVersions.consumerGroup(before), ViewVersions.consumerGroup(after));
        awaitNextCheckpoint(beforeJob);
        awaitNextCheckpoint(afterJob);
        LateComparison.Result late = LateComparison.compare(
                kafka, LATE_TOPIC, ViewVersions.keyspace(before), ViewVersions.keyspace(after), horizon);
        String sample = Stream.concat(
                        late.onlyBefore().stream().map(k -> k + " (only v" + before + ")"),
                        late.onlyAfter().stream().map(k -> k + " (only v" + after + ")"))
                .limit(5)
                .collect(Collectors.joining(", "));
        return String.format(
                Locale.ROOT,
                "late events over the %,d log events both versions committed: v%d %,d, v%d %,d; classified "
                        + "differently: %,d%s",
                horizon.values().stream().mapToLong(Long::longValue).sum(),
                before,
                late.before().size(),
                after,
                late.after().size(),
                late.differently(),
                sample.isEmpty() ? "" : " (" + sample + ")");
    }

    /**
     * The offsets below which both groups have committed, per partition of the log, waiting up
     * to {@link #START_TIMEOUT} for them to reach {@code target} (two running jobs that caught
     * up get there with their next checkpoints); after that, whatever both reached.
     */
    private Map<Integer, Long> committedHorizon(Map<Integer, Long> target, String groupBefore, String groupAfter) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            Map<Integer, Long> committedBefore = log.committed(groupBefore, topic);
            Map<Integer, Long> committedAfter = log.committed(groupAfter, topic);
            Map<Integer, Long> horizon = new TreeMap<>();
            target.forEach((partition, end) -> horizon.put(
                    partition,
                    Math.min(
                            end,
                            Math.min(
                                    committedBefore.getOrDefault(partition, 0L),
                                    committedAfter.getOrDefault(partition, 0L)))));
            if (horizon.equals(target) || System.nanoTime() > deadline) {
                return horizon;
            }
            Pause.millis(500);
        }
    }

    private void awaitNextCheckpoint(String jobId) {
        long seen = flink.checkpoints(jobId).completedCount();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (flink.checkpoints(jobId).completedCount() <= seen) {
            if (System.nanoTime() > deadline) {
                throw new StackException("job " + jobId + " completed no checkpoint in " + START_TIMEOUT.toSeconds()
                        + " s: its late envelopes cannot be compared");
            }
            Pause.millis(500);
        }
    }

    /** Stop-with-savepoint, waiting for it; if it fails the job keeps running and this says so. */
    String stopWithSavepoint(FlinkRest.Job job, String directory) {
        String trigger = flink.stopWithSavepoint(job.id(), directory);
        Progress progress = new Progress(err);
        long start = System.nanoTime();
        while (true) {
            Optional<String> location = flink.savepointResult(job.id(), trigger);
            double elapsed = (System.nanoTime() - start) / 1e9;
            if (location.isPresent()) {
                progress.finish(String.format(Locale.ROOT, "savepoint of job %s done in %.1f s", job.id(), elapsed));
                return location.get();
            }
            if (elapsed > SAVEPOINT_TIMEOUT.toSeconds()) {
                throw new StackException("the savepoint of job " + job.id() + " did not finish within "
                        + SAVEPOINT_TIMEOUT.toMinutes() + " min");
            }
            progress.update(String.format(
                    Locale.ROOT, "taking a savepoint of job %s and stopping it: %.0f s", job.id(), elapsed));
            Pause.millis(500);
        }
    }

    /** The savepoint a stopped version recorded, its newest state. */
    Optional<RetainedCheckpoints.RestorePoint> recordedSavepoint(int version, ControlTable.Version recorded) {
        if (recorded.savepointPath() == null) {
            return Optional.empty();
        }
        err.println(
                "version " + version + " was stopped with a savepoint, its newest state: resuming from that savepoint");
        return Optional.of(RetainedCheckpoints.given(recorded.savepointPath()));
    }

    /** The newest completed checkpoint of the version's recorded job (see {@link VersionOperations#resume}). */
    RetainedCheckpoints.RestorePoint latestCheckpoint(
            int version, Optional<ControlTable.Version> recorded, String checkpointDirOption) {
        String configured = checkpointDirOption != null
                ? checkpointDirOption
                : flink.configValue("execution.checkpointing.dir", "state.checkpoints.dir")
                        .orElseThrow(() -> new StackException("the cluster at " + flink.base()
                                + " sets no execution.checkpointing.dir: pass --from <checkpoint path>"));
        Path dir = RetainedCheckpoints.localDirectory(configured)
                .orElseThrow(() -> new StackException("checkpoints live in " + configured
                        + ", which this machine cannot list: pass --from <checkpoint path>"));
        if (!Files.isDirectory(dir)) {
            throw new StackException("no checkpoint directory " + dir + " on this machine (the cluster's " + configured
                    + "): pass --checkpoint-dir or --from");
        }
        String jobId = recorded.map(ControlTable.Version::jobId).orElse(null);
        if (jobId == null) {
            RetainedCheckpoints.RestorePoint newest = RetainedCheckpoints.newest(dir)
                    .orElseThrow(() -> new StackException("no completed checkpoint under " + dir
                            + " and no job recorded for version " + version + ": deploy it with ./replay deploy"));
            err.println("no job is recorded for version " + version
                    + " in sales.view_versions: taking the newest completed checkpoint under " + dir + " (job "
                    + newest.jobId() + ")");
            return newest;
        }
        return RetainedCheckpoints.latestOf(dir, jobId)
                .orElseThrow(() -> new StackException("version " + version + "'s job " + jobId
                        + " left no completed checkpoint in " + dir.resolve(jobId)
                        + RetainedCheckpoints.newest(dir)
                                .map(n -> " (the newest one there is " + n.pointer() + ")")
                                .orElse("")
                        + ": pass --from <checkpoint path>, or deploy afresh"));
    }

    VersionDiff.Result diff(int first, int second, Duration settle) {
        return new VersionDiff(session).compare(first, second, settle);
    }

    CatchUp.Result awaitCaughtUp(String jobId, long maxLag, Duration stallTimeout) {
        return new CatchUp(flink, log, topic, err).await(jobId, maxLag, stallTimeout);
    }

    static Optional<Integer> versionOf(FlinkRest.Job job) {
        OptionalInt version = ViewVersions.versionOfJob(job.name());
        return version.isPresent() ? Optional.of(version.getAsInt()) : Optional.empty();
    }

    /** Where a restarted job says it restored from (Flink reports it once the restore is done). */
    String awaitRestoredFrom(String jobId) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            FlinkRest.Checkpoints cp = flink.checkpoints(jobId);
            if (cp.restoredFrom() != null) {
                return cp.restoredFrom();
            }
            Pause.millis(500);
        }
        throw new StackException("job " + jobId + " runs but has not reported restoring from a savepoint within "
                + START_TIMEOUT.toSeconds() + " s");
    }

    @Override
    public void close() {
        log.close();
        session.close();
    }
}
