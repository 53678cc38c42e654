package io.salespipeline.stack.cli;

import com.datastax.oss.driver.api.core.CqlSession;
import io.salespipeline.contract.ViewSchema;
import io.salespipeline.stack.Args;
import io.salespipeline.stack.Progress;
import io.salespipeline.stack.StackException;
import io.salespipeline.stack.clients.AuthFailures;
import io.salespipeline.stack.clients.Clients;
import io.salespipeline.stack.clients.CqlScripts;
import io.salespipeline.stack.clients.Credentials;
import io.salespipeline.stack.generate.EventPublisher;
import io.salespipeline.stack.generate.StatusLine;
import io.salespipeline.stack.local.FlinkCluster;
import io.salespipeline.stack.local.LocalStack;
import io.salespipeline.stack.local.StackLayout;
import io.salespipeline.stack.local.StackSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;

/** {@code ./stack}: the embedded default stack of the pipeline. */
public final class StackCli {

    private static final String USAGE = String.join(
            "\n",
            "usage: ./stack <command> [options]",
            "  demo [--rate R] [--down]",
            "                      the whole pipeline: up, deploy the job, generate live sales, show a live panel",
            "  up [--partitions N] [--timeout SECONDS] [--<service>-port P] [--kafka-heap SIZE] "
                    + "[--cassandra-heap SIZE] [--taskmanagers N] [--secure | --no-secure]",
            "        start Kafka (KRaft), Cassandra and a Flink session cluster on 127.0.0.1; create topics, "
                    + "apply cql/",
            "        --taskmanagers N: Flink TaskManagers (default 2: one takes over a lost one's tasks at "
                    + "once; remembered)",
            "        --secure: Kafka only over SASL (PLAIN), Cassandra with PasswordAuthenticator, logins "
                    + "from the environment (remembered)",
            "  status [--env]      what runs (pid, port, health, data); --env: KAFKA_BOOTSTRAP, "
                    + "CASSANDRA_CONTACT, FLINK_REST",
            "  down [--purge]      stop every process ./stack started; --purge also deletes all data",
            "  flink <args>        Flink's CLI against the local cluster: run, list, stop --savepointPath, "
                    + "cancel, run -s",
            "  cql [--contact HOST:PORT] [--keyspace NAME [--enriched]]",
            "                      apply cql/ (with --keyspace: only the views schema, for that keyspace;",
            "                      --enriched adds the columns of the enriched logic)",
            "  generate [options]  sales events to Kafka, the same ones for the same seed (./stack generate --help)",
            "  replay <command>    the ./replay commands (deploy, status, savepoint, reprocess, switch, "
                    + "rollback, retire)",
            "  views <pattern>     the ./views reads of the active view version (sale, store-day, "
                    + "store-minutes, item-hours, top-items)",
            "  bench [options]     Kafka and Cassandra ceilings, replay, aggregates-only, latency and "
                    + "recovery side by side (./stack bench --help)",
            "ports: "
                    + String.join(
                            ", ",
                            Stream.of(StackSettings.Setting.values())
                                    .filter(StackSettings.Setting::isPort)
                                    .map(s -> "--" + s.option + " (" + s.defaultValue + ")")
                                    .toList()),
            "environment: STACK_HOME (default .stack/ in the repository); secured stacks: "
                    + "KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD,",
            "  CASSANDRA_USERNAME, CASSANDRA_PASSWORD (for up --secure and every later command; never on the "
                    + "command line)");

    private static final Set<String> COMMANDS =
            Set.of("up", "status", "down", "flink", "cql", "generate", "demo", "replay", "views", "bench");

    private final StackLayout layout;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;

    StackCli(StackLayout layout, PrintStream out, PrintStream err) {
        this(layout, out, err, System.getenv());
    }

    StackCli(StackLayout layout, PrintStream out, PrintStream err, Map<String, String> environment) {
        this.layout = layout;
        this.out = out;
        this.err = err;
        this.environment = environment;
    }

    public static void main(String[] argv) {
        int code;
        try {
            code = new StackCli(StackLayout.fromEnvironment(), System.out, System.err).run(List.of(argv));
        } catch (StackException e) {
            // ./replay runs as "./stack replay": its errors speak as replay
            System.err.println(prefix(argv)
                    + e.getMessage()
                    + (e.detail() == null ? "" : " [full answer: " + logDetail(argv, e) + "]"));
            code = e.exitCode();
        } catch (RuntimeException e) {
            // a refused login that some command let through: still one line, not a stack trace
            Optional<String> refused = AuthFailures.explain(e);
            if (refused.isEmpty()) {
                throw e;
            }
            System.err.println(prefix(argv) + refused.get());
            code = 1;
        }
        System.exit(code);
    }

    private static String prefix(String[] argv) {
        return argv.length > 0 && (argv[0].equals("replay") || argv[0].equals("views")) ? argv[0] + ": " : "stack: ";
    }

    /** Appends a failure's full answer (a server's stack trace) to the stack's error log; returns where it went. */
    private static String logDetail(String[] argv, StackException e) {
        Path log = StackLayout.fromEnvironment().logsDir().resolve("errors.log");
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(
                    log,
                    Instant.now() + " " + prefix(argv) + e.getMessage() + "\n" + e.detail() + "\n\n",
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            return log.toString();
        } catch (IOException io) {
            return "not logged (" + io.getMessage() + "): "
                    + e.detail().lines().findFirst().orElse("");
        }
    }

    int run(List<String> argv) {
        if (argv.isEmpty()
                || argv.get(0).equals("help")
                || argv.get(0).equals("--help")
                || argv.get(0).equals("-h")) {
            out.println(USAGE);
            return argv.isEmpty() ? 2 : 0;
        }
        String command = argv.get(0);
        List<String> rest = argv.subList(1, argv.size());
        if (!COMMANDS.contains(command)) {
            throw StackException.usage("unknown command '" + command
                    + "' (commands: demo, up, status, down, flink, cql, generate, replay, views; ./stack help)");
        }
        // every command that talks to the stack's services needs its logins when it runs secured; up and down see to
        // their own
        Credentials credentials =
                command.equals("up") || command.equals("down") ? null : secured(StackSettings.load(layout, null));
        return switch (command) {
            case "up" -> up(rest);
            case "status" ->
                localStack().status(Args.parse(rest, Set.of(), Set.of("env")).flag("env"), credentials);
            case "down" -> {
                localStack().down(Args.parse(rest, Set.of(), Set.of("purge")).flag("purge"));
                yield 0;
            }
            case "flink" -> flink(rest, credentials);
            case "cql" -> cql(rest);
            case "generate" ->
                new GenerateCommand(
                                out,
                                new EventPublisher(
                                        StatusLine.of(new Progress(err), Progress::update, Progress::finish)),
                                () -> StackSettings.load(layout, null).kafkaBootstrap())
                        .run(rest);
            case "demo" -> new DemoCommand(layout, out, err).run(rest);
            case "replay" -> new ReplayCli(layout, out, err, System.getenv()).run(rest);
            case "views" ->
                new ViewsCommand(
                                out,
                                err,
                                System.getenv(),
                                () -> StackSettings.load(layout, null).cassandraContact(),
                                java.time.Clock.systemUTC())
                        .run(rest);
            case "bench" -> moduleCommand(command).run(layout, out, err, rest);
            default -> throw new IllegalStateException(command);
        };
    }

    /**
     * The logins of a secured stack from the environment (a one-line error naming what is missing),
     * and every Kafka client of this launcher set to log in; null when the stack runs without --secure.
     */
    private Credentials secured(StackSettings settings) {
        Clients.localStackSecure(settings.secure());
        return settings.secure()
                ? Credentials.fromEnvironment(environment, "the stack runs secured (./stack up --secure) and needs")
                : null;
    }

    private static StackCommand moduleCommand(String name) {
        return ServiceLoader.load(StackCommand.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new StackException("./stack " + name
                        + " is not on this launcher's classpath (its module was not built: run ./stack " + name
                        + " again)"));
    }

    private LocalStack localStack() {
        return new LocalStack(layout, out, err, environment);
    }

    private int up(List<String> rest) {
        Set<String> valued = new HashSet<>(StackSettings.OPTIONS);
        valued.add("partitions");
        valued.add("timeout");
        Args args = Args.parse(rest, valued, StackSettings.FLAGS);
        if (!args.positional().isEmpty()) {
            throw StackException.usage(
                    "up takes no arguments, got '" + args.positional().get(0) + "'");
        }
        localStack()
                .up(
                        StackSettings.load(layout, args),
                        args.flag(StackSettings.SECURE),
                        positive(args, "partitions", LocalStack.DEFAULT_PARTITIONS),
                        positive(args, "timeout", LocalStack.DEFAULT_TIMEOUT_SECONDS));
        return 0;
    }

    private int flink(List<String> rest, Credentials credentials) {
        StackSettings settings = StackSettings.load(layout, null);
        return new FlinkCluster(layout, settings, credentials).runCli(rest);
    }

    private int cql(List<String> rest) {
        Args args = Args.parse(rest, Set.of("contact", "keyspace"), Set.of("enriched"));
        String contact = args.value("contact");
        if (contact == null) {
            contact = StackSettings.load(layout, null).cassandraContact();
        }
        try (CqlSession session = Clients.cqlSession(contact)) {
            int statements = CqlScripts.applyDirectory(
                    session, layout.cqlDir(), args.value("keyspace"), ViewSchema.of(args.flag("enriched")));
            out.println("applied " + statements + " statements from " + layout.cqlDir()
                    + (args.value("keyspace") == null ? "" : " to keyspace " + args.value("keyspace")));
            return 0;
        } catch (com.datastax.oss.driver.api.core.AllNodesFailedException e) {
            throw new StackException("no Cassandra answers at " + contact + " (is the stack up? ./stack status)");
        }
    }

    private static int positive(Args args, String name, int defaultValue) {
        Integer value = args.intValue(name);
        if (value == null) {
            return defaultValue;
        }
        if (value <= 0) {
            throw StackException.usage("--" + name + " must be positive, got " + value);
        }
        return value;
    }
}
