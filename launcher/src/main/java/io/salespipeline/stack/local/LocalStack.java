package io.salespipeline.stack.local;

import io.salespipeline.stack.Pause;
import io.salespipeline.stack.Progress;
import io.salespipeline.stack.StackException;
import io.salespipeline.stack.clients.Clients;
import io.salespipeline.stack.clients.Credentials;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The local stack as a service: Kafka (KRaft), Cassandra and a Flink session cluster as child
 * processes on loopback, started, stopped and reported on. {@code ./stack up/down/status} parse
 * their options and call it; the demo and the bench call it directly.
 */
public final class LocalStack {

    public static final int DEFAULT_PARTITIONS = 4;
    public static final int DEFAULT_TIMEOUT_SECONDS = 180;

    private final StackLayout layout;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;

    public LocalStack(StackLayout layout, PrintStream out, PrintStream err, Map<String, String> environment) {
        this.layout = layout;
        this.out = out;
        this.err = err;
        this.environment = environment;
    }

    /** {@code ./stack up} with the settings it remembers: what the demo and the bench need. */
    public void up() {
        up(StackSettings.load(layout, null), false, DEFAULT_PARTITIONS, DEFAULT_TIMEOUT_SECONDS);
    }

    /**
     * Starts every service not running yet with {@code settings} (remembered for the next start),
     * creates the topics, applies the schema and waits until all answer.
     *
     * @param secureAsked whether {@code --secure} was given now (not remembered from an earlier start)
     */
    public void up(StackSettings settings, boolean secureAsked, int partitions, int timeoutSeconds) {
        boolean wasSecure = StackSettings.load(layout, null).secure();
        Credentials credentials = null;
        if (settings.secure()) {
            credentials = Credentials.fromEnvironment(
                    environment,
                    secureAsked
                            ? "./stack up --secure needs"
                            : "the stack is secured (--secure, remembered from an earlier ./stack up; "
                                    + "--no-secure turns it off) and needs");
        }
        Clients.localStackSecure(settings.secure());
        List<LocalService> services = services(settings, credentials, partitions);
        try {
            if (wasSecure != settings.secure() && services.stream().anyMatch(LocalService::anyRunning)) {
                throw new StackException("the stack is running " + (wasSecure ? "secured" : "without --secure")
                        + ": stop it first with ./stack down, then ./stack up "
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
            out.printf(
                    Locale.ROOT,
                    "stack ready in %.1f s (data in %s)%n",
                    (System.nanoTime() - start) / 1e9,
                    layout.home.resolve("data"));
            printEnv(settings);
            if (credentials != null) {
                out.println("secured: Kafka " + Credentials.KAFKA_PROTOCOL + "/" + Credentials.KAFKA_MECHANISM + " as "
                        + credentials.kafkaUser + ", Cassandra PasswordAuthenticator as " + credentials.cassandraUser
                        + " (passwords from the environment)");
            }
            out.println("web UI: " + settings.flinkRest() + "    stop with: ./stack down");
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
                    throw new StackException("port " + number + " (" + port.description
                            + ") is already in use by another process: choose another with ./stack up --" + port.option
                            + " <port>");
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
                        throw new StackException(process.name + " exited during start-up; last lines of "
                                + process.logFile() + ":\n" + process.tailOfLog(25));
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
            String line = String.format(
                    Locale.ROOT,
                    "[%5.1fs] %d/%d ready | %s",
                    elapsed,
                    ready.size(),
                    services.size(),
                    String.join(" | ", details));
            if (ready.size() == services.size()) {
                progress.finish(line);
                return;
            }
            progress.update(line);
            if (elapsed > timeoutSeconds) {
                progress.finish(line);
                throw new StackException(
                        "the stack was not ready after " + timeoutSeconds + " s (" + String.join("; ", details)
                                + "); logs in " + layout.logsDir() + "; give it longer with --timeout");
            }
            Pause.millis(500);
        }
    }

    /**
     * What runs, as a table, or with {@code envOnly} the endpoints as variables; 3 when not every service is healthy.
     */
    public int status(boolean envOnly, Credentials credentials) {
        StackSettings settings = StackSettings.load(layout, null);
        List<LocalService> services = services(settings, credentials, DEFAULT_PARTITIONS);
        try {
            if (envOnly) {
                List<String> down = services.stream()
                        .filter(s -> !s.allRunning())
                        .map(LocalService::name)
                        .toList();
                if (!down.isEmpty()) {
                    err.println("stack: not running: " + String.join(", ", down) + " (start with ./stack up)");
                    return 3;
                }
                printEnv(settings);
                return 0;
            }
            out.printf(
                    Locale.ROOT,
                    "%-10s %-18s %-8s %-8s %-42s %-22s %s%n",
                    "SERVICE",
                    "PROCESS",
                    "PID",
                    "STATE",
                    "HEALTH",
                    "ENDPOINT",
                    "DATA");
            boolean allHealthy = true;
            for (LocalService service : services) {
                LocalService.Readiness health =
                        service.anyRunning() ? service.probe() : LocalService.Readiness.notYet("down");
                allHealthy &= health.ready() && service.allRunning();
                for (ManagedProcess process : service.processes()) {
                    out.printf(
                            Locale.ROOT,
                            "%-10s %-18s %-8s %-8s %-42s %-22s %s%n",
                            service.name(),
                            process.name,
                            process.pid().map(String::valueOf).orElse("-"),
                            process.isRunning() ? "running" : "stopped",
                            (health.ready() ? "ready: " : "not ready: ") + health.detail(),
                            service.endpoint(),
                            service.dataDir());
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

    /** Stops every process the stack started, the Flink cluster first; with {@code purge} deletes all its data too. */
    public void down(boolean purge) {
        StackSettings settings = StackSettings.load(layout, null);
        // stopping needs no login
        List<LocalService> services = services(settings, null, DEFAULT_PARTITIONS);
        // The Flink cluster goes first and alone so running jobs do not see Kafka and Cassandra vanish under them.
        List<LocalService> ordered = new ArrayList<>(services);
        ordered.sort(Comparator.comparing(s -> s instanceof FlinkCluster ? 0 : 1));
        stopAll(ordered.get(0));
        CompletableFuture.allOf(ordered.subList(1, ordered.size()).stream()
                        .map(s -> CompletableFuture.runAsync(() -> stopAll(s)))
                        .toArray(CompletableFuture[]::new))
                .join();
        if (purge) {
            purge();
        }
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
            out.printf(
                    Locale.ROOT,
                    "%s: stopped (pid %d) in %.1f s%n",
                    process.name,
                    pid.get(),
                    (System.nanoTime() - start) / 1e9);
        }
    }

    private void purge() {
        Path home = layout.home;
        if (!Files.isDirectory(home)) {
            out.println("nothing to purge at " + home);
            return;
        }
        if (!Files.exists(layout.settingsFile())
                && !Files.isDirectory(layout.runDir())
                && !Files.isDirectory(home.resolve("data"))) {
            throw new StackException("refusing to delete " + home
                    + ": it does not look like a stack home (no stack.properties, run/ or data/)");
        }
        try {
            StackLayout.deleteTree(home);
        } catch (IOException e) {
            throw new StackException("could not delete " + home + ": " + e.getMessage());
        }
        out.println("purged " + home);
    }

    private static String pids(LocalService service) {
        return String.join(
                ", ",
                service.processes().stream()
                        .map(p ->
                                p.name + " pid " + p.pid().map(String::valueOf).orElse("?"))
                        .toList());
    }

    List<LocalService> services(StackSettings settings, Credentials credentials, int partitions) {
        return List.of(
                new KafkaNode(layout, settings, credentials, partitions),
                new CassandraNode(layout, settings, credentials),
                new FlinkCluster(layout, settings, credentials));
    }
}
