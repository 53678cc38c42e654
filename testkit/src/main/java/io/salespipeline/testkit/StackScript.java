package io.salespipeline.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the repository's {@code ./stack} script, the same entry point a user has. */
public final class StackScript {

    /** What a finished command printed: {@code lines} on stdout, {@code errors} on stderr. */
    public record Result(int exitCode, List<String> lines, List<String> errors) {
        /** Both streams, for assertions on messages and for failure reports. */
        public String output() {
            List<String> all = new ArrayList<>(lines);
            all.addAll(errors);
            return String.join("\n", all);
        }
    }

    private final Path repoRoot;

    public StackScript(Path repoRoot) {
        this.repoRoot = repoRoot;
    }

    /**
     * The repository root: {@code -Dstack.root}, else the nearest directory above the working directory holding
     * ./stack.
     */
    public static Path locateRepoRoot() {
        String configured = System.getProperty("stack.root");
        if (configured != null && !configured.isBlank() && Files.isExecutable(Path.of(configured, "stack"))) {
            return Path.of(configured).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isExecutable(dir.resolve("stack")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository's ./stack script above "
                + Path.of("").toAbsolutePath());
    }

    public Path repoRoot() {
        return repoRoot;
    }

    /** Runs {@code ./stack args...}, echoing its output with a prefix when {@code echo} is set. */
    public Result run(Duration timeout, boolean echo, String... args) {
        return run(timeout, echo, List.of(), args);
    }

    /** As {@link #run(Duration, boolean, String...)} with extra environment entries ({@code NAME=value}). */
    public Result run(Duration timeout, boolean echo, List<String> environment, String... args) {
        List<String> command = new ArrayList<>();
        command.add(repoRoot.resolve("stack").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(repoRoot.toFile());
        for (String entry : environment) {
            int eq = entry.indexOf('=');
            builder.environment().put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        List<String> lines = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        try {
            Process process = builder.start();
            Thread out = drain(process.getInputStream(), lines, echo ? "[stack " + args[0] + "] " : null);
            Thread err = drain(process.getErrorStream(), errors, echo ? "[stack " + args[0] + "] " : null);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        "./stack " + String.join(" ", args) + " did not finish within " + timeout + "; output:\n"
                                + String.join("\n", snapshot(lines)) + "\n" + String.join("\n", snapshot(errors)));
            }
            out.join(5_000);
            err.join(5_000);
            return new Result(process.exitValue(), snapshot(lines), snapshot(errors));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run ./stack: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running ./stack", e);
        }
    }

    private static List<String> snapshot(List<String> lines) {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Collects a stream's lines on a daemon thread, echoing them with a prefix when one is given. */
    private static Thread drain(InputStream stream, List<String> sink, String echoPrefix) {
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader in =
                            new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = in.readLine()) != null) {
                            synchronized (sink) {
                                sink.add(line);
                            }
                            if (echoPrefix != null) {
                                System.out.println(echoPrefix + line);
                            }
                        }
                    } catch (IOException ignored) {
                        // the process ended; what it printed so far is kept
                    }
                },
                "stack-output");
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    /** Parses the three {@code NAME=value} lines of {@code ./stack status --env}. */
    public static StackEndpoints parseEnv(List<String> lines, Path repoRoot) {
        String kafka = null;
        String cassandra = null;
        String flink = null;
        for (String line : lines) {
            if (line.startsWith("KAFKA_BOOTSTRAP=")) {
                kafka = line.substring("KAFKA_BOOTSTRAP=".length());
            } else if (line.startsWith("CASSANDRA_CONTACT=")) {
                cassandra = line.substring("CASSANDRA_CONTACT=".length());
            } else if (line.startsWith("FLINK_REST=")) {
                flink = line.substring("FLINK_REST=".length());
            }
        }
        if (kafka == null || cassandra == null || flink == null) {
            throw new IllegalStateException("./stack status --env did not print the three endpoints: " + lines);
        }
        return new StackEndpoints(kafka, cassandra, flink, repoRoot);
    }
}
