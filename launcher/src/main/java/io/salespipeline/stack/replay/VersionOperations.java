package io.salespipeline.stack.replay;

import io.salespipeline.contract.JobSetting;
import io.salespipeline.contract.Topic;
import io.salespipeline.contract.VersionState;
import io.salespipeline.contract.ViewRetention;
import io.salespipeline.contract.ViewSchema;
import io.salespipeline.contract.ViewTable;
import io.salespipeline.contract.ViewVersions;
import io.salespipeline.stack.Progress;
import io.salespipeline.stack.StackException;
import io.salespipeline.stack.clients.FlinkRest;
import io.salespipeline.stack.local.StackLayout;
import io.salespipeline.stack.local.StackSettings;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operations on a pipeline's view versions: deploy, compatible change (savepoint restart),
 * resume after a lost JobManager, reprocess into a new version, switch readers (blue/green), roll
 * back, retire. What an operation may do with a version follows the version's recorded
 * {@link VersionState}: each such decision is a switch with one handler per state, so a state added
 * to the contract does not compile until every operation says what it does with it. Each operation
 * reports what it did on {@code out}, and its progress on {@code err}.
 */
public final class VersionOperations implements AutoCloseable {

    /** A running job of the pipeline: which view version it writes. */
    public record Deployment(int version, String jobId) {
        public String keyspace() {
            return ViewVersions.keyspace(version);
        }
    }

    /** Where a pipeline's services answer, and which log and jar its versions use. */
    public record Endpoints(
            String flinkRest, String kafkaBootstrap, String cassandraContact, String topic, String jarOption) {
        public static Endpoints localStack(StackLayout layout) {
            StackSettings settings = StackSettings.load(layout, null);
            return new Endpoints(
                    settings.flinkRest(),
                    settings.kafkaBootstrap(),
                    settings.cassandraContact(),
                    Topic.ITEM_SALES.defaultName(),
                    null);
        }
    }

    private final VersionPipeline p;
    private final PrintStream out;
    private final PrintStream err;

    public VersionOperations(StackLayout layout, Endpoints endpoints, PrintStream out, PrintStream err) {
        this.p = new VersionPipeline(
                layout,
                err,
                new FlinkRest(endpoints.flinkRest()),
                endpoints.kafkaBootstrap(),
                endpoints.cassandraContact(),
                endpoints.topic(),
                endpoints.jarOption());
        this.out = out;
        this.err = err;
    }

    /** Submits the job of a version (default: the active one, else 1), which must have none running. */
    public Deployment deploy(Integer requestedVersion, List<String> jobSettings, Integer parallelism) {
        int version = requestedVersion != null
                ? requestedVersion
                : p.control.active().map(ControlTable.Active::version).orElse(1);
        Optional<FlinkRest.Job> running = p.runningJob(version);
        if (running.isPresent()) {
            throw new StackException("version " + version + " already has a running job "
                    + running.get().id() + " (change it with ./replay savepoint)");
        }
        VersionPipeline.VersionCode code = p.code(version, jobSettings);
        String jobId = p.deploy(version, code, parallelism);
        out.println("deployed view version " + version + " as job " + jobId + " (keyspace "
                + ViewVersions.keyspace(version) + ", consumer group " + ViewVersions.consumerGroup(version)
                + ", " + code.describe() + "); web UI: " + p.flink.base() + "/#/job/running/" + jobId + "/overview");
        return new Deployment(version, jobId);
    }

    /**
     * The job of the active version (1 on a fresh installation), started the way its state allows if it is not running:
     * with its own recorded code, or, for a version that never ran, the newest build with {@code firstSettings}.
     */
    public Deployment ensureActiveDeployed(List<String> firstSettings) {
        int version = p.control.active().map(ControlTable.Active::version).orElse(1);
        Optional<FlinkRest.Job> running = p.runningJob(version);
        if (running.isPresent()) {
            return new Deployment(version, running.get().id());
        }
        Optional<ControlTable.Version> recorded = p.control.version(version);
        VersionState state = stateOf(version, recorded);
        VersionPipeline.VersionCode code = p.code(version, state == VersionState.CREATED ? firstSettings : List.of());
        String jobId = switch (state) {
            case CREATED, RUNNING -> p.deploy(version, code, null);
            // a version stopped with a savepoint resumes where it stopped instead of re-reading the log
            case STOPPED ->
                p.start(version, code, List.of(), null, recorded.orElseThrow().savepointPath());
            case RETIRED -> throw retired(version, "cannot deploy it");
        };
        return new Deployment(version, jobId);
    }

    /** Stops a deployment with a savepoint, recorded for its version; returns the savepoint's path. */
    public String stop(Deployment deployment) {
        FlinkRest.Job job = p.flink
                .job(deployment.jobId())
                .filter(FlinkRest.Job::isRunning)
                .orElseThrow(() -> new StackException("job " + deployment.jobId() + " is not running"));
        String savepointPath = p.stopWithSavepoint(job, null);
        p.control.recordStopped(deployment.version(), savepointPath);
        return savepointPath;
    }

    /**
     * A compatible change: stops a version's job with a savepoint and starts the (new) jar from it, checking the
     * restore.
     */
    public void savepoint(
            Integer requestedVersion, List<String> jobSettings, Integer parallelism, String savepointDir) {
        int version = requestedVersion != null ? requestedVersion : p.activeVersion();
        FlinkRest.Job job = p.runningJob(version)
                .orElseThrow(() -> new StackException("no running job for view version " + version
                        + " (deploy it with ./replay deploy --version " + version + ")"));
        VersionPipeline.VersionCode code = p.code(version, jobSettings);
        String savepointPath = p.stopWithSavepoint(job, savepointDir);
        p.control.recordStopped(version, savepointPath);
        out.println("job " + job.id() + " stopped with savepoint " + savepointPath);
        String jobId = p.start(version, code, List.of(), parallelism, savepointPath);
        String restored = p.awaitRestoredFrom(jobId);
        if (!samePath(restored, savepointPath)) {
            throw new StackException("job " + jobId + " is running but reports its restore as " + restored
                    + ", not the savepoint " + savepointPath);
        }
        out.println("job " + jobId + " RUNNING, restored from savepoint " + restored + "; " + code.describe());
    }

    /**
     * Starts a version's job again when it is gone without a savepoint: a session cluster without high availability
     * forgets its jobs when the JobManager dies, and a cancelled job leaves only its retained checkpoints. The restore
     * point, newest first: {@code from} (checked before anything connects); the savepoint of a version stopped with
     * one; else the newest completed checkpoint of the job the control table records for the version (or, when none is
     * recorded, the newest under the checkpoint directory). Only the latest checkpoint keeps the dead-letter and late
     * topics exactly-once: the restored job aborts the Kafka transactions the lost one left open after it.
     */
    public void resume(
            Integer requestedVersion,
            RetainedCheckpoints.RestorePoint from,
            String checkpointDir,
            List<String> jobSettings,
            Integer parallelism) {
        int version = requestedVersion != null ? requestedVersion : p.activeVersion();
        Optional<FlinkRest.Job> running = p.runningJob(version);
        if (running.isPresent()) {
            throw new StackException("version " + version + "'s job "
                    + running.get().id() + " is " + running.get().state()
                    + ": nothing to resume (a running job changes with ./replay savepoint)");
        }
        Optional<ControlTable.Version> recorded = p.control.version(version);
        RetainedCheckpoints.RestorePoint restorePoint = from != null
                ? from
                : switch (stateOf(version, recorded)) {
                    case CREATED, RUNNING -> p.latestCheckpoint(version, recorded, checkpointDir);
                    case STOPPED ->
                        p.recordedSavepoint(version, recorded.orElseThrow())
                                .orElseGet(() -> p.latestCheckpoint(version, recorded, checkpointDir));
                    case RETIRED -> throw retired(version, "nothing to resume");
                };
        Map<Integer, Long> end = p.log.endOffsets(p.topic);
        Map<Integer, Long> committed = p.log.committed(ViewVersions.consumerGroup(version), p.topic);
        VersionPipeline.VersionCode code = p.code(version, jobSettings);
        out.println("resuming view version " + version + " (" + code.describe() + ") from "
                + restorePoint.describe(Instant.now()));
        long started = System.nanoTime();
        String jobId = p.start(version, code, List.of(), parallelism, restorePoint.pointer());
        String restored = p.awaitRestoredFrom(jobId);
        if (!samePath(restored, restorePoint.pointer())) {
            throw new StackException("job " + jobId + " is running but reports its restore as " + restored + ", not "
                    + restorePoint.pointer());
        }
        long behind = committed.isEmpty()
                ? -1
                : end.entrySet().stream()
                        .mapToLong(e -> e.getValue() - committed.getOrDefault(e.getKey(), 0L))
                        .sum();
        out.printf(
                Locale.ROOT,
                "job %s RUNNING after %.1f s, restored from %s; %s%n",
                jobId,
                (System.nanoTime() - started) / 1e9,
                restored,
                behind < 0
                        ? "group " + ViewVersions.consumerGroup(version) + " has no committed offsets"
                        : String.format(
                                Locale.ROOT,
                                "%,d events of the log lay past group %s's committed offsets when it started",
                                behind,
                                ViewVersions.consumerGroup(version)));
    }

    /**
     * An incompatible change: builds a new version from offset 0 beside the serving one, waits
     * until it has caught up, compares what both found late and (unless {@code noSwitch}) switches
     * readers to it and stops the old version with a savepoint, kept for a rollback.
     *
     * @param fromEarliestAvailable build it even when the log's partitions no longer start at offset 0, from what is
     *     left; otherwise that is refused
     */
    public void reprocess(
            int version,
            List<String> jobSettings,
            Integer parallelism,
            long maxLag,
            Duration stallTimeout,
            boolean noSwitch,
            boolean fromEarliestAvailable,
            String savepointDir,
            Duration settle) {
        int active = p.activeVersion();
        if (version == active
                || p.control.version(version).isPresent()
                || p.control.keyspaceExists(ViewVersions.keyspace(version))) {
            throw new StackException("version " + version + " already exists (keyspace "
                    + ViewVersions.keyspace(version) + "): choose a new version, or retire it first");
        }
        Map<Integer, Long> missing = LogHistory.missing(p.log.startOffsets(p.topic));
        if (!missing.isEmpty() && !fromEarliestAvailable) {
            throw new StackException("the log " + p.topic + " no longer starts at offset 0 ("
                    + LogHistory.describe(missing) + "): its history was deleted, so version " + version
                    + " would not hold what the log once held; --from-earliest-available builds it from what is left");
        }
        Optional<FlinkRest.Job> serving = p.runningJob(active);
        long started = System.nanoTime();
        VersionPipeline.VersionCode code = p.code(version, jobSettings);
        p.ensureSchema(version, ViewSchema.of(code.settings()));
        List<String> fromTheStart = new JobSetting.Arguments()
                .set(JobSetting.KAFKA_STARTING_OFFSETS, "earliest")
                .toList();
        String jobId = p.start(version, code, fromTheStart, parallelism, null);
        out.println("reprocessing the log into " + ViewVersions.keyspace(version) + " as job " + jobId + " (group "
                + ViewVersions.consumerGroup(version) + "); version " + active + " keeps serving"
                + serving.map(j -> " (job " + j.id() + ")").orElse(" (no running job)") + "; " + code.describe());
        CatchUp.Result result = p.awaitCaughtUp(jobId, maxLag, stallTimeout);
        double seconds = (System.nanoTime() - started) / 1e9;
        String summary = String.format(
                        Locale.ROOT,
                        "reprocessed %,d events into %s in %.1f s (%,.0f events/s)",
                        result.eventsDone(),
                        ViewVersions.keyspace(version),
                        seconds,
                        result.eventsDone() / Math.max(seconds, 0.001))
                + (missing.isEmpty() ? "" : " from the earliest offsets available: " + LogHistory.describe(missing));
        if (serving.isPresent()) {
            out.println(p.compareLate(active, serving.get().id(), version, jobId));
            try {
                p.diff(active, version, settle).lines().forEach(out::println);
            } catch (StackException e) {
                out.println("diff v" + active + " v" + version + ": " + e.getMessage());
            }
        }
        if (noSwitch) {
            out.println(summary + "; readers still use version " + active
                    + " (--no-switch): switch with ./replay switch --version " + version);
            return;
        }
        p.control.switchActive(active, version, "reprocess");
        out.println(summary + "; readers now use version " + version);
        if (serving.isPresent()) {
            String savepointPath = p.stopWithSavepoint(serving.get(), savepointDir);
            p.control.recordStopped(active, savepointPath);
            out.println("version " + active + " stopped with savepoint " + savepointPath
                    + " (back to it with ./replay rollback)");
        }
    }

    /**
     * Compares two versions' views over the event time both have settled (see {@link VersionDiff});
     * {@code settle} is the allowed lateness, within which a final window may still change.
     */
    public VersionDiff.Result diff(int first, int second, Duration settle) {
        for (int version : List.of(first, second)) {
            if (!p.control.keyspaceExists(ViewVersions.keyspace(version))) {
                throw new StackException("version " + version + " has no keyspace " + ViewVersions.keyspace(version));
            }
        }
        return p.diff(first, second, settle);
    }

    /** Points readers at a version whose keyspace exists. */
    public void switchTo(int version) {
        int active = p.activeVersion();
        if (active == version) {
            out.println("readers already use version " + version);
            return;
        }
        if (!p.control.keyspaceExists(ViewVersions.keyspace(version))) {
            throw new StackException("version " + version + " has no keyspace " + ViewVersions.keyspace(version)
                    + ": build it with ./replay reprocess --version " + version);
        }
        p.control.switchActive(active, version, "switch");
        out.println("readers now use version " + version + " (was " + active + ")");
    }

    /**
     * Points readers back at the previous version and, the way its state allows, starts its job; false when it could
     * not.
     */
    public boolean rollback(List<String> jobSettings, Integer parallelism) {
        ControlTable.Active active = p.control
                .active()
                .orElseThrow(() -> new StackException("no active version is recorded in sales.active_version"));
        if (active.previous() == null) {
            throw new StackException("version " + active.version() + " has no previous version to roll back to");
        }
        int previous = active.previous();
        Optional<ControlTable.Version> recorded = p.control.version(previous);
        VersionState state = stateOf(previous, recorded);
        if (state == VersionState.RETIRED || !p.control.keyspaceExists(ViewVersions.keyspace(previous))) {
            throw retired(previous, "cannot roll back to it");
        }
        p.control.switchActive(active.version(), previous, "rollback");
        out.println("readers now use version " + previous + " (was " + active.version() + ")");
        if (p.runningJob(previous).isPresent()) {
            return true;
        }
        String savepointPath = switch (state) {
            case STOPPED -> recorded.orElseThrow().savepointPath();
            case CREATED, RUNNING -> null;
            case RETIRED -> throw retired(previous, "cannot roll back to it");
        };
        if (savepointPath == null) {
            err.println("version " + previous
                    + " has no running job and no savepoint: start it with ./replay deploy --version " + previous);
            return false;
        }
        VersionPipeline.VersionCode code = p.code(previous, jobSettings);
        String jobId = p.start(previous, code, List.of(), parallelism, savepointPath);
        out.println("version " + previous + " restarted as job " + jobId + " from savepoint " + savepointPath + "; "
                + code.describe());
        return true;
    }

    /**
     * Cancels a version's job and drops its keyspace (its history stays in the control table); never the active
     * version.
     */
    public void retire(int version) {
        if (p.activeVersion() == version) {
            throw new StackException("version " + version
                    + " is the active version: switch readers away first (./replay switch or ./replay rollback)");
        }
        for (FlinkRest.Job job : p.pipelineJobs()) {
            if (job.isRunning() && VersionPipeline.versionOf(job).orElse(-1) == version) {
                p.flink.cancel(job.id());
                out.println("cancelled job " + job.id());
            }
        }
        p.control.dropKeyspace(ViewVersions.keyspace(version));
        p.control.recordRetired(version);
        out.println("retired version " + version + ": dropped " + ViewVersions.keyspace(version)
                + " (its history stays in sales.view_versions)");
    }

    /**
     * Prints the active version, the log, and each version's job (state, uptime, checkpoint, rate, lag) or recorded
     * state.
     */
    public void status() {
        Optional<ControlTable.Active> active = p.control.active();
        out.println(active.map(a -> "active version: " + a.version() + " (keyspace " + a.keyspace() + ", since "
                        + a.switchedAt() + (a.previous() == null ? "" : ", previous " + a.previous()) + ")")
                .orElse("active version: none recorded"));
        Map<Integer, Long> end = p.log.endOffsets(p.topic);
        out.printf(
                Locale.ROOT,
                "log %s: %,d events in %d partitions%n",
                p.topic,
                end.values().stream().mapToLong(Long::longValue).sum()
                        - p.log.startOffsets(p.topic).values().stream()
                                .mapToLong(Long::longValue)
                                .sum(),
                end.size());
        out.printf(
                Locale.ROOT,
                "%-8s %-33s %-11s %-10s %-22s %-16s %s%n",
                "VERSION",
                "JOB",
                "STATE",
                "UPTIME",
                "LAST CHECKPOINT",
                "RECORDS/S (1 min)",
                "LAG (records behind the log end)");
        Set<Integer> shown = new HashSet<>();
        Map<Integer, ControlTable.Version> recorded = new java.util.TreeMap<>();
        p.control.versions().forEach(v -> recorded.put(v.version(), v));
        for (FlinkRest.Job job :
                p.pipelineJobs().stream().filter(FlinkRest.Job::isRunning).toList()) {
            int version = VersionPipeline.versionOf(job).orElseThrow();
            shown.add(version);
            FlinkRest.Checkpoints cp = p.flink.checkpoints(job.id());
            String checkpoint = cp.lastCompletedAt() == 0
                    ? "none yet"
                    : "#" + cp.completedCount() + ", "
                            + Duration.between(Instant.ofEpochMilli(cp.lastCompletedAt()), Instant.now())
                                    .toSeconds() + " s ago";
            String rate = p.flink
                    .sourceMetricSum(job.id(), "numRecordsOutPerSecond")
                    .map(r -> String.format(Locale.ROOT, "%,.0f", r))
                    .orElse("-");
            Map<Integer, Long> behind = PipelineMonitor.recordsBehind(
                    p.flink, p.log, job.id(), p.topic, ViewVersions.consumerGroup(version), end);
            out.printf(
                    Locale.ROOT,
                    "%-8s %-33s %-11s %-10s %-22s %-16s %,d: %s%n",
                    version + (active.map(a -> a.version() == version).orElse(false) ? "*" : ""),
                    job.id(),
                    job.state(),
                    Progress.human(Duration.ofMillis(job.durationMs())),
                    checkpoint,
                    rate,
                    behind.values().stream().mapToLong(Long::longValue).sum(),
                    Progress.perPartition(behind));
            if (cp.lastSavepointPath() != null) {
                out.println("         latest savepoint: " + cp.lastSavepointPath());
            }
            printCode(recorded.get(version));
        }
        for (ControlTable.Version v : recorded.values()) {
            if (!shown.contains(v.version())) {
                out.printf(
                        Locale.ROOT,
                        "%-8s %-33s %-11s%s%n",
                        v.version()
                                + (active.map(a -> a.version() == v.version()).orElse(false) ? "*" : ""),
                        "(no running job)",
                        v.state().map(VersionState::code).orElse("-"),
                        v.savepointPath() == null ? "" : " savepoint " + v.savepointPath());
                if (v.is(VersionState.RUNNING)) {
                    out.println("         its job " + v.jobId()
                            + " is gone (a lost JobManager?): ./replay resume --version " + v.version());
                }
                printCode(v);
            }
        }
        out.println("* = readers use this version");
    }

    /** The jar and settings a version's restarts run (what its latest start recorded), and its views' retention. */
    private void printCode(ControlTable.Version v) {
        if (v == null || v.jarSha256() == null) {
            return;
        }
        out.println("         jar " + v.jarSha256() + " (built " + v.jarBuiltAt() + "), settings: "
                + (v.jobSettings().isEmpty() ? "none" : String.join(" ", v.jobSettings())));
        Map<ViewTable, String> retention = ViewRetention.of(v.jobSettings(), ViewSchema.of(v.jobSettings()));
        out.println("         retention from event time: "
                + (retention.values().stream().allMatch(ViewRetention.NONE::equals)
                        ? "none (rows kept forever)"
                        : retention.entrySet().stream()
                                .map(view -> view.getKey().table() + " " + view.getValue())
                                .collect(Collectors.joining(", "))));
    }

    /** A version never recorded counts as created: its keyspace may exist, no job ever ran for it. */
    private static VersionState stateOf(int version, Optional<ControlTable.Version> recorded) {
        if (recorded.isEmpty()) {
            return VersionState.CREATED;
        }
        return recorded.get()
                .state()
                .orElseThrow(() -> new StackException("version " + version
                        + "'s recorded state is unknown to this build (written by a newer ./replay?): use that build"));
    }

    private static StackException retired(int version, String consequence) {
        return new StackException("version " + version + " was retired (keyspace " + ViewVersions.keyspace(version)
                + " dropped): " + consequence);
    }

    private static boolean samePath(String a, String b) {
        return a != null && b != null && a.replaceFirst("^file:", "").equals(b.replaceFirst("^file:", ""));
    }

    @Override
    public void close() {
        p.close();
    }
}
