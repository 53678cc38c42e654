package io.salespipeline.stack.local;

import io.salespipeline.stack.StackException;
import io.salespipeline.stack.clients.Credentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A server JVM the stack started, remembered by a pid file that also records the process start
 * time and main class, so a recycled pid is never mistaken for ours (and never killed).
 */
public final class ManagedProcess {

    private static final Duration STOP_GRACE = Duration.ofSeconds(45);

    public final String name;
    private final Path pidFile;
    private final Path logFile;

    ManagedProcess(String name, StackLayout layout) {
        this.name = name;
        this.pidFile = layout.runDir().resolve(name + StackLayout.PID_FILE_SUFFIX);
        this.logFile = layout.logsDir().resolve(name + ".out");
    }

    Path logFile() {
        return logFile;
    }

    /**
     * Starts {@code command} in a session of its own ({@code setsid}), so a Ctrl-C meant for the
     * terminal that ran {@code ./stack} does not reach the servers. It inherits the launcher's
     * environment without the stack's logins ({@link Credentials#VARIABLES}), plus {@code environment}.
     */
    void start(JavaCommand command, Map<String, String> environment, Path workDir) {
        List<String> full = new ArrayList<>();
        full.add("setsid");
        full.addAll(command.toCommandLine());
        StackLayout.createDirectories(pidFile.getParent(), logFile.getParent(), workDir);
        ProcessBuilder builder = new ProcessBuilder(full)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        // the logins of a secured stack reach only the processes given them (the Flink ones), not every server
        Credentials.VARIABLES.forEach(builder.environment()::remove);
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            ProcessHandle handle = process.toHandle();
            Properties props = new Properties();
            props.setProperty("pid", Long.toString(handle.pid()));
            props.setProperty(
                    "started",
                    handle.info().startInstant().map(Instant::toString).orElse(""));
            props.setProperty("main", command.mainClass());
            try (var out = Files.newBufferedWriter(pidFile, StandardCharsets.UTF_8)) {
                props.store(out, "started by ./stack");
            }
        } catch (IOException e) {
            throw new StackException("could not start " + name + ": " + e.getMessage());
        }
    }

    /** The live process this pid file describes, if it is still the one we started. */
    Optional<ProcessHandle> handle() {
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        Properties props = new Properties();
        try (var in = Files.newBufferedReader(pidFile, StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (IOException e) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(props.getProperty("pid", ""));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        String started = props.getProperty("started", "");
        String main = props.getProperty("main", "");
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(h -> started.isEmpty()
                        || h.info()
                                .startInstant()
                                .map(Instant::toString)
                                .orElse("")
                                .equals(started))
                .filter(h -> main.isEmpty()
                        || h.info()
                                .arguments()
                                .map(a -> List.of(a).contains(main))
                                .orElse(true));
    }

    boolean isRunning() {
        return handle().isPresent();
    }

    Optional<Long> pid() {
        return handle().map(ProcessHandle::pid);
    }

    /** SIGTERM, then SIGKILL after the grace period; always forgets the pid file. */
    void stop() {
        Optional<ProcessHandle> handle = handle();
        if (handle.isPresent()) {
            ProcessHandle h = handle.get();
            List<ProcessHandle> children = h.descendants().toList();
            h.destroy();
            try {
                h.onExit().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception timedOut) {
                System.err.println("  " + name + " did not stop within " + STOP_GRACE.toSeconds()
                        + " s after SIGTERM: sending SIGKILL");
                h.destroyForcibly();
                h.onExit().join();
            }
            children.forEach(ProcessHandle::destroyForcibly);
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last lines of the process's console log, to explain why it died. */
    String tailOfLog(int lines) {
        try {
            if (!Files.exists(logFile)) {
                return "(no log at " + logFile + ")";
            }
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(could not read " + logFile + ": " + e.getMessage() + ")";
        }
    }
}
