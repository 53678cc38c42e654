package io.salespipeline.stack.replay;

import io.salespipeline.contract.JobSetting;
import io.salespipeline.contract.VersionState;
import io.salespipeline.contract.ViewVersions;
import io.salespipeline.contract.Topic;
import io.salespipeline.stack.Args;
import io.salespipeline.stack.StackException;
import io.salespipeline.stack.StackLayout;
import io.salespipeline.stack.StackSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code ./replay}: deploy the pipeline, change it compatibly (savepoint restart) or incompatibly
 * (reprocess the whole log into a new view version, then switch readers blue/green), roll back,
 * retire. Talks to any cluster through the Flink REST API, Kafka and Cassandra.
 */
public final class ReplayCli {

    static final String USAGE = String.join("\n",
            "usage: ./replay <command> [options]",
            "  deploy [--version N] [--jar PATH] [--parallelism P] [-- job settings]",
            "                      submit the job for view version N (default: the active one, else 1)",
            "  status              jobs of this pipeline: version, state, uptime, checkpoint, savepoint, lag, records/s",
            "  savepoint [--version N] [--jar PATH] [--savepoint-dir DIR]",
            "                      compatible change: stop the job with a savepoint, start the (new) jar from it",
            "  resume [--version N] [--from PATH] [--checkpoint-dir DIR] [--jar PATH] [--parallelism P] [-- job settings]",
            "                      start version N's job again after its JobManager died (or it was cancelled), from the",
            "                      latest completed checkpoint its last job retained (or --from a checkpoint or savepoint)",
            "  reprocess --version N [--parallelism P] [--no-switch] [--max-lag EVENTS] [--stall-timeout SECONDS]",
            "                      incompatible change: rebuild sales_vN from offset 0 beside the serving job, switch readers",
            "  switch --version N  point readers at version N",
            "  rollback            back to the previous version (restarting its job from its savepoint if stopped)",
            "  retire --version N --yes",
            "                      stop version N's job and drop sales_vN (never the active version)",
            "endpoints: --flink-rest URL, --kafka-bootstrap HOST:PORT, --cassandra-contact HOST:PORT",
            "           (else FLINK_REST, KAFKA_BOOTSTRAP, CASSANDRA_CONTACT, else the local ./stack)",
            "job: --jar PATH (default job/target/sales-pipeline-job-*.jar), --topic NAME (default item_sales)");

    private static final Set<String> ENDPOINT_OPTIONS = Set.of("flink-rest", "kafka-bootstrap", "cassandra-contact", "topic");

    private final StackLayout layout;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;

    public ReplayCli(StackLayout layout, PrintStream out, PrintStream err, Map<String, String> environment) {
        this.layout = layout;
        this.out = out;
        this.err = err;
        this.environment = environment;
    }

    public int run(List<String> argv) {
        if (argv.isEmpty() || argv.get(0).equals("help") || argv.get(0).equals("--help")) {
            out.println(USAGE);
            return argv.isEmpty() ? 2 : 0;
        }
        String command = argv.get(0);
        int separator = argv.indexOf("--");
        List<String> options = separator < 0 ? argv.subList(1, argv.size()) : argv.subList(1, separator);
        List<String> jobSettings = separator < 0 ? List.of() : argv.subList(separator + 1, argv.size());
        return switch (command) {
            case "deploy" -> deploy(parse(options, Set.of("version", "jar", "parallelism"), Set.of()), jobSettings);
            case "status" -> status(parse(options, Set.of(), Set.of()));
            case "savepoint" -> savepoint(parse(options, Set.of("version", "jar", "parallelism", "savepoint-dir"), Set.of()), jobSettings);
            case "resume" -> resume(parse(options, Set.of("version", "from", "checkpoint-dir", "jar", "parallelism"), Set.of()), jobSettings);
            case "reprocess" -> reprocess(parse(options, Set.of("version", "jar", "parallelism", "max-lag", "stall-timeout", "savepoint-dir"), Set.of("no-switch")), jobSettings);
            case "switch" -> switchTo(parse(options, Set.of("version"), Set.of()));
            case "rollback" -> rollback(parse(options, Set.of("jar", "parallelism"), Set.of()), jobSettings);
            case "retire" -> retire(parse(options, Set.of("version"), Set.of("yes")));
            default -> throw StackException.usage("unknown command '" + command + "' (commands: deploy, status, savepoint, resume, reprocess, switch, rollback, retire; ./replay help)");
        };
    }

    private static Args parse(List<String> options, Set<String> valued, Set<String> flags) {
        Set<String> all = new HashSet<>(valued);
        all.addAll(ENDPOINT_OPTIONS);
        Args args = Args.parse(options, all, flags);
        if (!args.positional().isEmpty()) {
            throw StackException.usage("unexpected argument '" + args.positional().get(0) + "' (job settings go after --)");
        }
        return args;
    }

    // ---------------------------------------------------------------- commands

    private int deploy(Args args, List<String> jobSettings) {
        try (VersionPipeline p = pipeline(args)) {
            int version = args.intValue("version") != null ? positiveVersion(args) : p.control.active().map(ControlTable.Active::version).orElse(1);
            Optional<FlinkRest.Job> running = p.runningJob(version);
            if (running.isPresent()) {
                throw new StackException("version " + version + " already has a running job " + running.get().id() + " (change it with ./replay savepoint)");
            }
            String jobId = p.deploy(version, jobSettings, args.intValue("parallelism"));
            out.println("deployed view version " + version + " as job " + jobId + " (keyspace " + ViewVersions.keyspace(version)
                    + ", consumer group " + ViewVersions.consumerGroup(version) + "); web UI: " + p.flink.base() + "/#/job/running/" + jobId + "/overview");
            return 0;
        }
    }

    /** A running job of the pipeline: which view version it writes. */
    public record Deployment(int version, String jobId) {
        public String keyspace() {
            return ViewVersions.keyspace(version);
        }
    }

    /** The job of the active version (1 on a fresh installation), deployed if it is not running; on the local stack. */
    public Deployment ensureActiveDeployed() {
        try (VersionPipeline p = pipeline(Args.parse(List.of(), Set.of(), Set.of()))) {
            int version = p.control.active().map(ControlTable.Active::version).orElse(1);
            Optional<FlinkRest.Job> running = p.runningJob(version);
            if (running.isPresent()) {
                return new Deployment(version, running.get().id());
            }
            // a version stopped with a savepoint resumes where it stopped instead of re-reading the log
            Optional<String> savepoint = p.control.version(version).filter(v -> v.is(VersionState.STOPPED)).map(ControlTable.Version::savepointPath);
            return new Deployment(version, savepoint.isPresent()
                    ? p.start(version, List.of(), null, savepoint.get(), false)
                    : p.deploy(version, List.of(), null));
        }
    }

    /** Stops a deployment with a savepoint, recorded for its version; returns the savepoint's path. */
    public String stop(Deployment deployment) {
        try (VersionPipeline p = pipeline(Args.parse(List.of(), Set.of(), Set.of()))) {
            FlinkRest.Job job = p.flink.job(deployment.jobId()).filter(FlinkRest.Job::isRunning)
                    .orElseThrow(() -> new StackException("job " + deployment.jobId() + " is not running"));
            String savepointPath = p.stopWithSavepoint(job, null);
            p.control.recordStopped(deployment.version(), savepointPath);
            return savepointPath;
        }
    }

    private int savepoint(Args args, List<String> jobSettings) {
        try (VersionPipeline p = pipeline(args)) {
            int version = args.intValue("version") != null ? positiveVersion(args) : p.activeVersion();
            FlinkRest.Job job = p.runningJob(version).orElseThrow(() -> new StackException("no running job for view version " + version + " (deploy it with ./replay deploy --version " + version + ")"));
            Path jar = p.jar();
            String savepointPath = p.stopWithSavepoint(job, args.value("savepoint-dir"));
            p.control.recordStopped(version, savepointPath);
            out.println("job " + job.id() + " stopped with savepoint " + savepointPath);
            String jobId = p.start(version, jobSettings, args.intValue("parallelism"), savepointPath, false, jar);
            String restored = p.awaitRestoredFrom(jobId);
            if (!samePath(restored, savepointPath)) {
                throw new StackException("job " + jobId + " is running but reports its restore as " + restored + ", not the savepoint " + savepointPath);
            }
            out.println("job " + jobId + " RUNNING, restored from savepoint " + restored);
            return 0;
        }
    }

    /**
     * Starts a version's job again when it is gone without a savepoint: a session cluster without
     * high availability forgets its jobs when the JobManager dies, and a cancelled job leaves only
     * its retained checkpoints. The restore point, newest first: {@code --from}; the savepoint of a
     * version stopped with one; else the newest completed checkpoint of the job the control table
     * records for the version (or, when none is recorded, the newest under the checkpoint directory).
     * Only the latest checkpoint keeps the dead-letter and late topics exactly-once: the restored
     * job aborts the Kafka transactions the lost one left open after it.
     */
    private int resume(Args args, List<String> jobSettings) {
        Integer requested = args.value("version") != null ? positiveVersion(args) : null;
        if (args.value("from") != null && args.value("checkpoint-dir") != null) {
            throw StackException.usage("resume takes --from or --checkpoint-dir, not both");
        }
        Optional<RetainedCheckpoints.RestorePoint> given = Optional.ofNullable(args.value("from")).map(RetainedCheckpoints::given);
        try (VersionPipeline p = pipeline(args)) {
            int version = requested != null ? requested : p.activeVersion();
            Optional<FlinkRest.Job> running = p.runningJob(version);
            if (running.isPresent()) {
                throw new StackException("version " + version + "'s job " + running.get().id() + " is " + running.get().state()
                        + ": nothing to resume (a running job changes with ./replay savepoint)");
            }
            Optional<ControlTable.Version> recorded = p.control.version(version);
            if (recorded.map(v -> v.is(VersionState.RETIRED)).orElse(false)) {
                throw new StackException("version " + version + " was retired (keyspace " + ViewVersions.keyspace(version) + " dropped): nothing to resume");
            }
            RetainedCheckpoints.RestorePoint from = given.orElseGet(() -> p.latestRestorePoint(version, recorded, args.value("checkpoint-dir")));
            Map<Integer, Long> end = p.log.endOffsets(p.topic);
            Map<Integer, Long> committed = p.log.committed(ViewVersions.consumerGroup(version), p.topic);
            out.println("resuming view version " + version + " from " + from.describe(Instant.now()));
            long started = System.nanoTime();
            String jobId = p.start(version, jobSettings, args.intValue("parallelism"), from.pointer(), false);
            String restored = p.awaitRestoredFrom(jobId);
            if (!samePath(restored, from.pointer())) {
                throw new StackException("job " + jobId + " is running but reports its restore as " + restored + ", not " + from.pointer());
            }
            long behind = committed.isEmpty() ? -1 : end.entrySet().stream().mapToLong(e -> e.getValue() - committed.getOrDefault(e.getKey(), 0L)).sum();
            out.printf(Locale.ROOT, "job %s RUNNING after %.1f s, restored from %s; %s%n", jobId, (System.nanoTime() - started) / 1e9, restored,
                    behind < 0 ? "group " + ViewVersions.consumerGroup(version) + " has no committed offsets"
                            : String.format(Locale.ROOT, "%,d events of the log lay past group %s's committed offsets when it started", behind, ViewVersions.consumerGroup(version)));
            return 0;
        }
    }

    private int reprocess(Args args, List<String> jobSettings) {
        if (args.value("version") == null) {
            throw StackException.usage("reprocess needs --version N: the new view version to build");
        }
        int version = positiveVersion(args);
        long maxLag = longOption(args, "max-lag", 1000);
        Duration stallTimeout = Duration.ofSeconds(longOption(args, "stall-timeout", 120));
        try (VersionPipeline p = pipeline(args)) {
            int active = p.activeVersion();
            if (version == active || p.control.version(version).isPresent() || p.control.keyspaceExists(ViewVersions.keyspace(version))) {
                throw new StackException("version " + version + " already exists (keyspace " + ViewVersions.keyspace(version) + "): choose a new version, or retire it first");
            }
            Optional<FlinkRest.Job> serving = p.runningJob(active);
            p.ensureSchema(version);
            long started = System.nanoTime();
            String jobId = p.start(version, withEarliest(jobSettings), args.intValue("parallelism"), null, true);
            out.println("reprocessing the log into " + ViewVersions.keyspace(version) + " as job " + jobId + " (group " + ViewVersions.consumerGroup(version) + "); version "
                    + active + " keeps serving" + serving.map(j -> " (job " + j.id() + ")").orElse(" (no running job)"));
            CatchUp.Result result = new CatchUp(p.flink, p.log, p.topic, err).await(jobId, maxLag, stallTimeout);
            double seconds = (System.nanoTime() - started) / 1e9;
            String summary = String.format(Locale.ROOT, "reprocessed %,d events into %s in %.1f s (%,.0f events/s)",
                    result.eventsDone(), ViewVersions.keyspace(version), seconds, result.eventsDone() / Math.max(seconds, 0.001));
            if (serving.isPresent()) {
                out.println(p.compareLate(active, serving.get().id(), version, jobId));
            }
            if (args.flag("no-switch")) {
                out.println(summary + "; readers still use version " + active + " (--no-switch): switch with ./replay switch --version " + version);
                return 0;
            }
            p.control.switchActive(active, version, "reprocess");
            out.println(summary + "; readers now use version " + version);
            if (serving.isPresent()) {
                String savepointPath = p.stopWithSavepoint(serving.get(), args.value("savepoint-dir"));
                p.control.recordStopped(active, savepointPath);
                out.println("version " + active + " stopped with savepoint " + savepointPath + " (back to it with ./replay rollback)");
            }
            return 0;
        }
    }

    private int switchTo(Args args) {
        if (args.value("version") == null) {
            throw StackException.usage("switch needs --version N");
        }
        int version = positiveVersion(args);
        try (VersionPipeline p = pipeline(args)) {
            int active = p.activeVersion();
            if (active == version) {
                out.println("readers already use version " + version);
                return 0;
            }
            if (!p.control.keyspaceExists(ViewVersions.keyspace(version))) {
                throw new StackException("version " + version + " has no keyspace " + ViewVersions.keyspace(version) + ": build it with ./replay reprocess --version " + version);
            }
            p.control.switchActive(active, version, "switch");
            out.println("readers now use version " + version + " (was " + active + ")");
            return 0;
        }
    }

    private int rollback(Args args, List<String> jobSettings) {
        try (VersionPipeline p = pipeline(args)) {
            ControlTable.Active active = p.control.active().orElseThrow(() -> new StackException("no active version is recorded in sales.active_version"));
            if (active.previous() == null) {
                throw new StackException("version " + active.version() + " has no previous version to roll back to");
            }
            int previous = active.previous();
            if (!p.control.keyspaceExists(ViewVersions.keyspace(previous))) {
                throw new StackException("version " + previous + " was retired (no keyspace " + ViewVersions.keyspace(previous) + "): cannot roll back to it");
            }
            p.control.switchActive(active.version(), previous, "rollback");
            out.println("readers now use version " + previous + " (was " + active.version() + ")");
            if (p.runningJob(previous).isPresent()) {
                return 0;
            }
            Optional<String> savepointPath = p.control.version(previous).map(ControlTable.Version::savepointPath);
            if (savepointPath.isEmpty()) {
                err.println("version " + previous + " has no running job and no savepoint: start it with ./replay deploy --version " + previous);
                return 1;
            }
            String jobId = p.start(previous, jobSettings, args.intValue("parallelism"), savepointPath.get(), false);
            out.println("version " + previous + " restarted as job " + jobId + " from savepoint " + savepointPath.get());
            return 0;
        }
    }

    private int retire(Args args) {
        if (args.value("version") == null) {
            throw StackException.usage("retire needs --version N");
        }
        int version = positiveVersion(args);
        if (!args.flag("yes")) {
            throw StackException.usage("retire stops version " + version + "'s job and drops keyspace " + ViewVersions.keyspace(version) + ": confirm with --yes");
        }
        try (VersionPipeline p = pipeline(args)) {
            if (p.activeVersion() == version) {
                throw new StackException("version " + version + " is the active version: switch readers away first (./replay switch or ./replay rollback)");
            }
            for (FlinkRest.Job job : p.pipelineJobs()) {
                if (job.isRunning() && versionOf(job).orElse(-1) == version) {
                    p.flink.cancel(job.id());
                    out.println("cancelled job " + job.id());
                }
            }
            p.control.dropKeyspace(ViewVersions.keyspace(version));
            p.control.recordRetired(version);
            out.println("retired version " + version + ": dropped " + ViewVersions.keyspace(version) + " (its history stays in sales.view_versions)");
            return 0;
        }
    }

    private int status(Args args) {
        try (VersionPipeline p = pipeline(args)) {
            Optional<ControlTable.Active> active = p.control.active();
            out.println(active.map(a -> "active version: " + a.version() + " (keyspace " + a.keyspace() + ", since " + a.switchedAt()
                    + (a.previous() == null ? "" : ", previous " + a.previous()) + ")").orElse("active version: none recorded"));
            Map<Integer, Long> end = p.log.endOffsets(p.topic);
            out.printf(Locale.ROOT, "log %s: %,d events in %d partitions%n", p.topic, end.values().stream().mapToLong(Long::longValue).sum()
                    - p.log.startOffsets(p.topic).values().stream().mapToLong(Long::longValue).sum(), end.size());
            out.printf(Locale.ROOT, "%-8s %-33s %-11s %-10s %-22s %-16s %s%n", "VERSION", "JOB", "STATE", "UPTIME", "LAST CHECKPOINT", "RECORDS/S (1 min)", "LAG (records behind the log end)");
            Set<Integer> shown = new HashSet<>();
            for (FlinkRest.Job job : p.pipelineJobs().stream().filter(FlinkRest.Job::isRunning).toList()) {
                int version = versionOf(job).orElseThrow();
                shown.add(version);
                FlinkRest.Checkpoints cp = p.flink.checkpoints(job.id());
                String checkpoint = cp.lastCompletedAt() == 0 ? "none yet"
                        : "#" + cp.completedCount() + ", " + Duration.between(Instant.ofEpochMilli(cp.lastCompletedAt()), Instant.now()).toSeconds() + " s ago";
                String rate = p.flink.sourceMetricSum(job.id(), "numRecordsOutPerSecond").map(r -> String.format(Locale.ROOT, "%,.0f", r)).orElse("-");
                out.printf(Locale.ROOT, "%-8s %-33s %-11s %-10s %-22s %-16s %s%n", version + (active.map(a -> a.version() == version).orElse(false) ? "*" : ""),
                        job.id(), job.state(), human(Duration.ofMillis(job.durationMs())), checkpoint, rate, lag(PipelineMonitor.recordsBehind(p.flink, p.log, job.id(), p.topic, ViewVersions.consumerGroup(version), end)));
                if (cp.lastSavepointPath() != null) {
                    out.println("         latest savepoint: " + cp.lastSavepointPath());
                }
            }
            for (ControlTable.Version v : p.control.versions()) {
                if (!shown.contains(v.version())) {
                    out.printf(Locale.ROOT, "%-8s %-33s %-11s%s%n", v.version() + (active.map(a -> a.version() == v.version()).orElse(false) ? "*" : ""),
                            "(no running job)", v.state().map(VersionState::code).orElse("-"), v.savepointPath() == null ? "" : " savepoint " + v.savepointPath());
                    if (v.is(VersionState.RUNNING)) {
                        out.println("         its job " + v.jobId() + " is gone (a lost JobManager?): ./replay resume --version " + v.version());
                    }
                }
            }
            out.println("* = readers use this version");
            return 0;
        }
    }

    // ---------------------------------------------------------------- helpers

    private static String lag(Map<Integer, Long> behind) {
        return String.format(Locale.ROOT, "%,d: %s", behind.values().stream().mapToLong(Long::longValue).sum(), partitions(behind));
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        return s < 120 ? s + "s" : s < 7200 ? (s / 60) + "m" : (s / 3600) + "h" + (s % 3600 / 60) + "m";
    }

    private static List<String> withEarliest(List<String> jobSettings) {
        return new JobSetting.Arguments().set(JobSetting.KAFKA_STARTING_OFFSETS, "earliest").addAll(jobSettings).toList();
    }

    static Optional<Integer> versionOf(FlinkRest.Job job) {
        OptionalInt version = ViewVersions.versionOfJob(job.name());
        return version.isPresent() ? Optional.of(version.getAsInt()) : Optional.empty();
    }

    private static boolean samePath(String a, String b) {
        return a != null && b != null && a.replaceFirst("^file:", "").equals(b.replaceFirst("^file:", ""));
    }

    private static int positiveVersion(Args args) {
        int v = args.intValue("version");
        if (v <= 0) {
            throw StackException.usage("--version must be a positive whole number, got " + v);
        }
        return v;
    }

    private static long longOption(Args args, String name, long defaultValue) {
        Integer v = args.intValue(name);
        if (v == null) {
            return defaultValue;
        }
        if (v < 0) {
            throw StackException.usage("--" + name + " must not be negative, got " + v);
        }
        return v;
    }

    private VersionPipeline pipeline(Args args) {
        StackSettings local = StackSettings.load(layout, null);
        String flink = endpoint(args, "flink-rest", "FLINK_REST", local.flinkRest());
        String kafka = endpoint(args, "kafka-bootstrap", "KAFKA_BOOTSTRAP", local.kafkaBootstrap());
        String cassandra = endpoint(args, "cassandra-contact", "CASSANDRA_CONTACT", local.cassandraContact());
        String topic = Optional.ofNullable(args.value("topic")).orElse(Topic.ITEM_SALES.defaultName());
        return new VersionPipeline(layout, err, new FlinkRest(flink), kafka, cassandra, topic, args.value("jar"));
    }

    private String endpoint(Args args, String option, String variable, String local) {
        String value = args.value(option);
        if (value == null) {
            value = environment.get(variable);
        }
        return value == null || value.isBlank() ? local : value.trim();
    }

    static String partitions(Map<Integer, Long> lags) {
        return lags.entrySet().stream().map(e -> "p" + e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }
}
