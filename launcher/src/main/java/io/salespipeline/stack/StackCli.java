package io.salespipeline.stack;

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/** {@code ./stack}: the embedded default stack of the pipeline. */
public final class StackCli {

    private static final String USAGE = String.join("\n",
            "usage: ./stack <command> [options]",
            "  demo [--rate R] [--down]",
            "                      the whole pipeline: up, deploy the job, generate live sales, show a live panel",
            "  up [--partitions N] [--timeout SECONDS] [--<service>-port P] [--kafka-heap SIZE] [--cassandra-heap SIZE] [--taskmanagers N] [--secure | --no-secure]",
            "        start Kafka (KRaft), Cassandra and a Flink session cluster on 127.0.0.1; create topics, apply cql/",
            "        --taskmanagers N: Flink TaskManagers (default 2: one takes over a lost one's tasks at once; remembered)",
            "        --secure: Kafka only over SASL (PLAIN), Cassandra with PasswordAuthenticator, logins from the environment (remembered)",
            "  status [--env]      what runs (pid, port, health, data); --env: KAFKA_BOOTSTRAP, CASSANDRA_CONTACT, FLINK_REST",
            "  down [--purge]      stop every process ./stack started; --purge also deletes all data",
            "  flink <args>        Flink's CLI against the local cluster: run, list, stop --savepointPath, cancel, run -s",
            "  cql [--contact HOST:PORT] [--keyspace NAME]",
            "                      apply cql/ (with --keyspace: only the views schema, for that keyspace)",
            "  generate [options]  sales events to Kafka, the same ones for the same seed (./stack generate --help)",
            "  replay <command>    the ./replay commands (deploy, status, savepoint, reprocess, switch, rollback, retire)",
            "  views <pattern>     the ./views reads of the active view version (sale, store-day, store-minutes, item-hours, top-items)",
            "  bench [options]     Kafka and Cassandra ceilings, replay, aggregates-only, latency and recovery side by side (./stack bench --help)",
            "ports: " + String.join(", ", Stream.of(StackSettings.Setting.values()).filter(StackSettings.Setting::isPort)
                    .map(s -> "--" + s.option + " (" + s.defaultValue + ")").toList()),
            "environment: STACK_HOME (default .stack/ in the repository); secured stacks: KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD,",
            "  CASSANDRA_USERNAME, CASSANDRA_PASSWORD (for up --secure and every later command; never on the command line)");

    private static final Set<String> COMMANDS = Set.of("up", "status", "down", "flink", "cql", "generate", "demo", "replay", "views", "bench");
    private static final int DEFAULT_PARTITIONS = 4;
    private static final int DEFAULT_TIMEOUT_SECONDS = 180;

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
            System.err.println(prefix(argv) + e.getMessage() + (e.detail() == null ? "" : " [full answer: " + logDetail(argv, e) + "]"));
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
            Files.writeString(log, Instant.now() + " " + prefix(argv) + e.getMessage() + "\n" + e.detail() + "\n\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return log.toString();
        } catch (IOException io) {
            return "not logged (" + io.getMessage() + "): " + e.detail().lines().findFirst().orElse("");
        }
    }

    int run(List<String> argv) {
        if (argv.isEmpty() || argv.get(0).equals("help") || argv.get(0).equals("--help") || argv.get(0).equals("-h")) {
            out.println(USAGE);
            return argv.isEmpty() ? 2 : 0;
        }
        String command = argv.get(0);
        List<String> rest = argv.subList(1, argv.size());
        if (!COMMANDS.contains(command)) {
            throw StackException.usage("unknown command '" + command + "' (commands: demo, up, status, down, flink, cql, generate, replay, views; ./stack help)");
        }
        // every command that talks to the stack's services needs its logins when it runs secured; up and down see to their own
        Credentials credentials = command.equals("up") || command.equals("down") ? null : secured(StackSettings.load(layout, null));
        return switch (command) {
            case "up" -> up(rest);
            case "status" -> status(rest, credentials);
            case "down" -> down(rest);
            case "flink" -> flink(rest, credentials);
            case "cql" -> cql(rest);
            case "generate" -> new io.salespipeline.stack.generate.GenerateCommand(out, io.salespipeline.stack.generate.StatusLine.of(new Progress(err), Progress::update, Progress::finish), () -> StackSettings.load(layout, null).kafkaBootstrap()).run(rest);
            case "demo" -> new DemoCommand(layout, out, err).run(rest);
            case "replay" -> new io.salespipeline.stack.replay.ReplayCli(layout, out, err, System.getenv()).run(rest);
            case "views" -> new io.salespipeline.stack.views.ViewsCommand(out, err, System.getenv(), () -> StackSettings.load(layout, null).cassandraContact(), java.time.Clock.systemUTC()).run(rest);
            case "bench" -> new io.salespipeline.stack.bench.BenchCommand(layout, out, err, () -> run(List.of("up"))).run(rest);
            default -> throw new IllegalStateException(command);
        };
    }

    /**
     * The logins of a secured stack from the environment (a one-line error naming what is missing),
     * and every Kafka client of this launcher set to log in; null when the stack runs without --secure.
     */
    private Credentials secured(StackSettings settings) {
        Clients.localStackSecure(settings.secure());
        return settings.secure() ? Credentials.fromEnvironment(environment, "the stack runs secured (./stack up --secure) and needs") : null;
    }

    private List<LocalService> services(StackSettings settings, Credentials credentials, int partitions) {
        return List.of(new KafkaNode(layout, settings, credentials, partitions), new CassandraNode(layout, settings, credentials),
                new FlinkCluster(layout, settings, credentials));
    }

    private int up(List<String> rest) {
        Set<String> valued = new HashSet<>(StackSettings.OPTIONS);
        valued.add("partitions");
        valued.add("timeout");
        Args args = Args.parse(rest, valued, StackSettings.FLAGS);
        if (!args.positional().isEmpty()) {
            throw StackException.usage("up takes no arguments, got '" + args.positional().get(0) + "'");
        }
        int partitions = positive(args, "partitions", DEFAULT_PARTITIONS);
        int timeoutSeconds = positive(args, "timeout", DEFAULT_TIMEOUT_SECONDS);
        boolean wasSecure = StackSettings.load(layout, null).secure();
        StackSettings settings = StackSettings.load(layout, args);
        Credentials credentials = null;
        if (settings.secure()) {
            credentials = Credentials.fromEnvironment(environment, args.flag(StackSettings.SECURE) ? "./stack up --secure needs"
                    : "the stack is secured (--secure, remembered from an earlier ./stack up; --no-secure turns it off) and needs");
        }
        Clients.localStackSecure(settings.secure());
        List<LocalService> services = services(settings, credentials, partitions);
        try {
            if (wasSecure != settings.secure() && services.stream().anyMatch(LocalService::anyRunning)) {
                throw new StackException("the stack is running " + (wasSecure ? "secured" : "without --secure") + ": stop it first with ./stack down, then ./stack up "
                        + (settings.secure() ? "--secure" : "--no-secure"));
            }
            checkPorts(services);
            settings.save(layout);
            long start = System.nanoTime();
            for (LocalService service : services) {
                if (service.allRunning()) {
                    out.println(service.name() + ": already running");
                } else {
                    service.startMissing();
                    out.println(service.name() + ": started (" + pids(service) + "), log in " + layout.logsDir());
                }
            }
            waitUntilReady(services, start, timeoutSeconds);
            out.printf(Locale.ROOT, "stack ready in %.1f s (data in %s)%n", (System.nanoTime() - start) / 1e9, layout.home.resolve("data"));
            printEnv(settings);
            if (credentials != null) {
                out.println("secured: Kafka " + Credentials.KAFKA_PROTOCOL + "/" + Credentials.KAFKA_MECHANISM + " as " + credentials.kafkaUser
                        + ", Cassandra PasswordAuthenticator as " + credentials.cassandraUser + " (passwords from the environment)");
            }
            out.println("web UI: " + settings.flinkRest() + "    stop with: ./stack down");
            return 0;
        } finally {
            services.forEach(LocalService::close);
        }
    }

    private void checkPorts(List<LocalService> services) {
        for (LocalService service : services) {
            if (service.anyRunning()) {
                continue;
            }
            for (StackSettings.Setting port : service.ports()) {
                int number = service.settings.port(port);
                if (!isFree(number)) {
                    throw new StackException("port " + number + " (" + port.description + ") is already in use by another process: choose another with ./stack up --" + port.option + " <port>");
                }
            }
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // as the servers do: a port whose last connections linger in TIME_WAIT is free to listen on
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(StackSettings.HOST, port));
            return true;
        } catch (BindException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private void waitUntilReady(List<LocalService> services, long startNanos, int timeoutSeconds) {
        Progress progress = new Progress(err);
        Set<LocalService> ready = new HashSet<>();
        List<String> details = new ArrayList<>();
        while (true) {
            details.clear();
            for (LocalService service : services) {
                if (ready.contains(service)) {
                    details.add(service.name() + ": ready");
                    continue;
                }
                for (ManagedProcess process : service.processes()) {
                    if (!process.isRunning()) {
                        progress.finish(String.join(" | ", details));
                        throw new StackException(process.name + " exited during start-up; last lines of " + process.logFile() + ":\n" + process.tailOfLog(25));
                    }
                }
                LocalService.Readiness readiness = service.probe();
                if (readiness.ready()) {
                    service.afterReady();
                    ready.add(service);
                    details.add(service.name() + ": ready (" + readiness.detail() + ")");
                } else {
                    details.add(service.name() + ": starting (" + readiness.detail() + ")");
                }
            }
            double elapsed = (System.nanoTime() - startNanos) / 1e9;
            String line = String.format(Locale.ROOT, "[%5.1fs] %d/%d ready | %s", elapsed, ready.size(), services.size(), String.join(" | ", details));
            if (ready.size() == services.size()) {
                progress.finish(line);
                return;
            }
            progress.update(line);
            if (elapsed > timeoutSeconds) {
                progress.finish(line);
                throw new StackException("the stack was not ready after " + timeoutSeconds + " s (" + String.join("; ", details)
                        + "); logs in " + layout.logsDir() + "; give it longer with --timeout");
            }
            Pause.millis(500);
        }
    }

    private int status(List<String> rest, Credentials credentials) {
        Args args = Args.parse(rest, Set.of(), Set.of("env"));
        StackSettings settings = StackSettings.load(layout, null);
        List<LocalService> services = services(settings, credentials, DEFAULT_PARTITIONS);
        try {
            if (args.flag("env")) {
                List<String> down = services.stream().filter(s -> !s.allRunning()).map(LocalService::name).toList();
                if (!down.isEmpty()) {
                    err.println("stack: not running: " + String.join(", ", down) + " (start with ./stack up)");
                    return 3;
                }
                printEnv(settings);
                return 0;
            }
            out.printf(Locale.ROOT, "%-10s %-18s %-8s %-8s %-42s %-22s %s%n", "SERVICE", "PROCESS", "PID", "STATE", "HEALTH", "ENDPOINT", "DATA");
            boolean allHealthy = true;
            for (LocalService service : services) {
                LocalService.Readiness health = service.anyRunning() ? service.probe() : LocalService.Readiness.notYet("down");
                allHealthy &= health.ready() && service.allRunning();
                for (ManagedProcess process : service.processes()) {
                    out.printf(Locale.ROOT, "%-10s %-18s %-8s %-8s %-42s %-22s %s%n", service.name(), process.name,
                            process.pid().map(String::valueOf).orElse("-"), process.isRunning() ? "running" : "stopped",
                            (health.ready() ? "ready: " : "not ready: ") + health.detail(), service.endpoint(), service.dataDir());
                }
            }
            out.println("logs: " + layout.logsDir());
            return allHealthy ? 0 : 3;
        } finally {
            services.forEach(LocalService::close);
        }
    }

    private void printEnv(StackSettings settings) {
        out.println("KAFKA_BOOTSTRAP=" + settings.kafkaBootstrap());
        out.println("CASSANDRA_CONTACT=" + settings.cassandraContact());
        out.println("FLINK_REST=" + settings.flinkRest());
        if (settings.secure()) {
            // how to log in, never with what: the user names and passwords stay in the caller's environment
            out.println("KAFKA_SECURITY_PROTOCOL=" + Credentials.KAFKA_PROTOCOL);
            out.println("KAFKA_SASL_MECHANISM=" + Credentials.KAFKA_MECHANISM);
        }
    }

    private int down(List<String> rest) {
        Args args = Args.parse(rest, Set.of(), Set.of("purge"));
        StackSettings settings = StackSettings.load(layout, null);
        // stopping needs no login
        List<LocalService> services = services(settings, null, DEFAULT_PARTITIONS);
        // The Flink cluster goes first and alone so running jobs do not see Kafka and Cassandra vanish under them.
        List<LocalService> ordered = new ArrayList<>(services);
        ordered.sort(Comparator.comparing(s -> s instanceof FlinkCluster ? 0 : 1));
        stopAll(ordered.get(0));
        CompletableFuture.allOf(ordered.subList(1, ordered.size()).stream()
                .map(s -> CompletableFuture.runAsync(() -> stopAll(s)))
                .toArray(CompletableFuture[]::new)).join();
        if (args.flag("purge")) {
            purge();
        }
        return 0;
    }

    private void stopAll(LocalService service) {
        // TaskManager before JobManager: the JobManager then sees a clean disconnect
        List<ManagedProcess> processes = new ArrayList<>(service.processes());
        java.util.Collections.reverse(processes);
        for (ManagedProcess process : processes) {
            var pid = process.pid();
            if (pid.isEmpty()) {
                out.println(process.name + ": not running");
                process.stop();
                continue;
            }
            long start = System.nanoTime();
            process.stop();
            out.printf(Locale.ROOT, "%s: stopped (pid %d) in %.1f s%n", process.name, pid.get(), (System.nanoTime() - start) / 1e9);
        }
    }

    private void purge() {
        Path home = layout.home;
        if (!Files.isDirectory(home)) {
            out.println("nothing to purge at " + home);
            return;
        }
        if (!Files.exists(layout.settingsFile()) && !Files.isDirectory(layout.runDir()) && !Files.isDirectory(home.resolve("data"))) {
            throw new StackException("refusing to delete " + home + ": it does not look like a stack home (no stack.properties, run/ or data/)");
        }
        try {
            StackLayout.deleteTree(home);
        } catch (IOException e) {
            throw new StackException("could not delete " + home + ": " + e.getMessage());
        }
        out.println("purged " + home);
    }

    private int flink(List<String> rest, Credentials credentials) {
        StackSettings settings = StackSettings.load(layout, null);
        return new FlinkCluster(layout, settings, credentials).runCli(rest);
    }

    private int cql(List<String> rest) {
        Args args = Args.parse(rest, Set.of("contact", "keyspace"), Set.of());
        String contact = args.value("contact");
        if (contact == null) {
            contact = StackSettings.load(layout, null).cassandraContact();
        }
        try (CqlSession session = Clients.cqlSession(contact)) {
            int statements = CqlScripts.applyDirectory(session, layout.cqlDir(), args.value("keyspace"));
            out.println("applied " + statements + " statements from " + layout.cqlDir() + (args.value("keyspace") == null ? "" : " to keyspace " + args.value("keyspace")));
            return 0;
        } catch (com.datastax.oss.driver.api.core.AllNodesFailedException e) {
            throw new StackException("no Cassandra answers at " + contact + " (is the stack up? ./stack status)");
        }
    }

    private static String pids(LocalService service) {
        return String.join(", ", service.processes().stream().map(p -> p.name + " pid " + p.pid().map(String::valueOf).orElse("?")).toList());
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
