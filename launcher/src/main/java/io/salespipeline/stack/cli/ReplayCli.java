package io.salespipeline.stack.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.salespipeline.contract.Topic;
import io.salespipeline.contract.ViewVersions;
import io.salespipeline.stack.Args;
import io.salespipeline.stack.StackException;
import io.salespipeline.stack.local.StackLayout;
import io.salespipeline.stack.local.StackSettings;
import io.salespipeline.stack.replay.RetainedCheckpoints;
import io.salespipeline.stack.replay.VersionDiff;
import io.salespipeline.stack.replay.VersionOperations;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code ./replay}: deploy the pipeline, change it compatibly (savepoint restart) or incompatibly
 * (reprocess the whole log into a new view version, then switch readers blue/green), roll back,
 * retire. Talks to any cluster through the Flink REST API, Kafka and Cassandra.
 */
public final class ReplayCli {

    static final String USAGE = String.join(
            "\n",
            "usage: ./replay <command> [options]",
            "  deploy [--version N] [--jar PATH] [--parallelism P] [-- job settings]",
            "                      submit the job for view version N (default: the active one, else 1)",
            "  status              jobs of this pipeline: version, state, uptime, checkpoint, savepoint, lag, "
                    + "records/s",
            "  savepoint [--version N] [--jar PATH] [--savepoint-dir DIR]",
            "                      compatible change: stop the job with a savepoint, start the (new) jar from it",
            "  resume [--version N] [--from PATH] [--checkpoint-dir DIR] [--jar PATH] [--parallelism P] [-- "
                    + "job settings]",
            "                      start version N's job again after its JobManager died (or it was "
                    + "cancelled), from the",
            "                      latest completed checkpoint its last job retained (or --from a checkpoint "
                    + "or savepoint)",
            "  reprocess --version N [--parallelism P] [--no-switch] [--max-lag EVENTS] [--stall-timeout SECONDS]",
            "            [--from-earliest-available]",
            "                      incompatible change: rebuild sales_vN from offset 0 beside the serving "
                    + "job, switch readers",
            "                      (refused when the log no longer starts at offset 0, unless "
                    + "--from-earliest-available)",
            "  diff A B [--settle DURATION] [--json]",
            "                      compare versions A and B row by row over the event time both settled (up to the earlier",
            "                      one's newest final window, less --settle, default 60s): exit 0 when they agree",
            "  switch --version N  point readers at version N",
            "  rollback            back to the previous version (restarting its job from its savepoint if stopped)",
            "  retire --version N --yes",
            "                      stop version N's job and drop sales_vN (never the active version)",
            "endpoints: --flink-rest URL, --kafka-bootstrap HOST:PORT, --cassandra-contact HOST:PORT",
            "           (else FLINK_REST, KAFKA_BOOTSTRAP, CASSANDRA_CONTACT, else the local ./stack)",
            "job: --jar PATH (default: a new version the newest job/target/sales-pipeline-job-*.jar; a restart the",
            "     version's own jar and settings, recorded at its last start), --topic NAME (default item_sales)");

    /** The job's default allowed lateness: within it a final window may still change. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Duration DEFAULT_SETTLE = Duration.ofSeconds(60);

    private static final Set<String> ENDPOINT_OPTIONS =
            Set.of("flink-rest", "kafka-bootstrap", "cassandra-contact", "topic");

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
            case "savepoint" ->
                savepoint(
                        parse(options, Set.of("version", "jar", "parallelism", "savepoint-dir"), Set.of()),
                        jobSettings);
            case "resume" ->
                resume(
                        parse(options, Set.of("version", "from", "checkpoint-dir", "jar", "parallelism"), Set.of()),
                        jobSettings);
            case "reprocess" ->
                reprocess(
                        parse(
                                options,
                                Set.of(
                                        "version",
                                        "jar",
                                        "parallelism",
                                        "max-lag",
                                        "stall-timeout",
                                        "savepoint-dir",
                                        "settle"),
                                Set.of("no-switch", "from-earliest-available")),
                        jobSettings);
            case "switch" -> switchTo(parse(options, Set.of("version"), Set.of()));
            case "rollback" -> rollback(parse(options, Set.of("jar", "parallelism"), Set.of()), jobSettings);
            case "retire" -> retire(parse(options, Set.of("version"), Set.of("yes")));
            case "diff" -> diff(options);
            default ->
                throw StackException.usage("unknown command '" + command
                        + "' (commands: deploy, status, savepoint, resume, reprocess, diff, switch, "
                        + "rollback, retire; ./replay help)");
        };
    }

    private static Args parse(List<String> options, Set<String> valued, Set<String> flags) {
        Set<String> all = new HashSet<>(valued);
        all.addAll(ENDPOINT_OPTIONS);
        Args args = Args.parse(options, all, flags);
        if (!args.positional().isEmpty()) {
            throw StackException.usage(
                    "unexpected argument '" + args.positional().get(0) + "' (job settings go after --)");
        }
        return args;
    }

    // ---------------------------------------------------------------- commands: parse, call the operation

    private int deploy(Args args, List<String> jobSettings) {
        try (VersionOperations versions = operations(args)) {
            versions.deploy(
                    args.intValue("version") != null ? positiveVersion(args) : null,
                    jobSettings,
                    args.intValue("parallelism"));
            return 0;
        }
    }

    private int savepoint(Args args, List<String> jobSettings) {
        try (VersionOperations versions = operations(args)) {
            versions.savepoint(
                    args.intValue("version") != null ? positiveVersion(args) : null,
                    jobSettings,
                    args.intValue("parallelism"),
                    args.value("savepoint-dir"));
            return 0;
        }
    }

    private int resume(Args args, List<String> jobSettings) {
        Integer version = args.value("version") != null ? positiveVersion(args) : null;
        if (args.value("from") != null && args.value("checkpoint-dir") != null) {
            throw StackException.usage("resume takes --from or --checkpoint-dir, not both");
        }
        RetainedCheckpoints.RestorePoint from =
                args.value("from") == null ? null : RetainedCheckpoints.given(args.value("from"));
        try (VersionOperations versions = operations(args)) {
            versions.resume(version, from, args.value("checkpoint-dir"), jobSettings, args.intValue("parallelism"));
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
        try (VersionOperations versions = operations(args)) {
            versions.reprocess(
                    version,
                    jobSettings,
                    args.intValue("parallelism"),
                    maxLag,
                    stallTimeout,
                    args.flag("no-switch"),
                    args.flag("from-earliest-available"),
                    args.value("savepoint-dir"),
                    settle(args));
            return 0;
        }
    }

    /** {@code diff A B}: exit 0 when the two versions' settled views agree on their shared columns, 1 otherwise. */
    private int diff(List<String> options) {
        Set<String> valued = new HashSet<>(ENDPOINT_OPTIONS);
        valued.add("settle");
        Args args = Args.parse(options, valued, Set.of("json"));
        if (args.positional().size() != 2) {
            throw StackException.usage("diff needs two versions: ./replay diff A B (e.g. ./replay diff 1 2)");
        }
        int first = versionNumber(args.positional().get(0));
        int second = versionNumber(args.positional().get(1));
        Duration settle = settle(args);
        try (VersionOperations versions = operations(args)) {
            VersionDiff.Result result = versions.diff(first, second, settle);
            if (args.flag("json")) {
                out.println(json(result));
            } else {
                result.lines().forEach(out::println);
            }
            return result.agree() ? 0 : 1;
        }
    }

    private static String json(VersionDiff.Result result) {
        ObjectNode root = JSON.createObjectNode();
        root.put("first", result.first());
        root.put("second", result.second());
        root.put("settled_until", result.settledUntil().toString());
        root.put("agree", result.agree());
        ArrayNode views = root.putArray("views");
        for (VersionDiff.ViewResult v : result.views()) {
            ObjectNode view = views.addObject();
            view.put("view", v.view());
            view.put("compared", v.compared());
            view.put("equal", v.equal());
            view.put("differ", v.differ());
            v.differences().forEach(view.putArray("differences")::add);
            v.onlyInFirst().forEach(view.putArray("columns_only_in_first")::add);
            v.onlyInSecond().forEach(view.putArray("columns_only_in_second")::add);
        }
        result.viewsOnlyInFirst().forEach(root.putArray("views_only_in_first")::add);
        result.viewsOnlyInSecond().forEach(root.putArray("views_only_in_second")::add);
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers is always JSON", e);
        }
    }

    /** How long a final window may still change: the job's allowed lateness (default 60 s). */
    private static Duration settle(Args args) {
        Duration settle = args.durationValue("settle");
        return settle == null ? DEFAULT_SETTLE : settle;
    }

    private static int versionNumber(String text) {
        try {
            int version = Integer.parseInt(text.trim());
            if (version > 0) {
                return version;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw StackException.usage("a version is a positive whole number, got '" + text + "'");
    }

    private int switchTo(Args args) {
        if (args.value("version") == null) {
            throw StackException.usage("switch needs --version N");
        }
        int version = positiveVersion(args);
        try (VersionOperations versions = operations(args)) {
            versions.switchTo(version);
            return 0;
        }
    }

    private int rollback(Args args, List<String> jobSettings) {
        try (VersionOperations versions = operations(args)) {
            return versions.rollback(jobSettings, args.intValue("parallelism")) ? 0 : 1;
        }
    }

    private int retire(Args args) {
        if (args.value("version") == null) {
            throw StackException.usage("retire needs --version N");
        }
        int version = positiveVersion(args);
        if (!args.flag("yes")) {
            throw StackException.usage("retire stops version " + version + "'s job and drops keyspace "
                    + ViewVersions.keyspace(version) + ": confirm with --yes");
        }
        try (VersionOperations versions = operations(args)) {
            versions.retire(version);
            return 0;
        }
    }

    private int status(Args args) {
        try (VersionOperations versions = operations(args)) {
            versions.status();
            return 0;
        }
    }

    // ---------------------------------------------------------------- parsing

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

    private VersionOperations operations(Args args) {
        StackSettings local = StackSettings.load(layout, null);
        VersionOperations.Endpoints endpoints = new VersionOperations.Endpoints(
                endpoint(args, "flink-rest", "FLINK_REST", local.flinkRest()),
                endpoint(args, "kafka-bootstrap", "KAFKA_BOOTSTRAP", local.kafkaBootstrap()),
                endpoint(args, "cassandra-contact", "CASSANDRA_CONTACT", local.cassandraContact()),
                Optional.ofNullable(args.value("topic")).orElse(Topic.ITEM_SALES.defaultName()),
                args.value("jar"));
        return new VersionOperations(layout, endpoints, out, err);
    }

    private String endpoint(Args args, String option, String variable, String local) {
        String value = args.value(option);
        if (value == null) {
            value = environment.get(variable);
        }
        return value == null || value.isBlank() ? local : value.trim();
    }
}
