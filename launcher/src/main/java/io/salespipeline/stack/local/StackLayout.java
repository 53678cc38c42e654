package io.salespipeline.stack.local;

import io.salespipeline.stack.StackException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Where everything lives: the repository (configuration sources) and the stack home
 * ({@code .stack/} beside it unless {@code STACK_HOME} says otherwise) holding data, logs,
 * generated configuration and pid files.
 */
public final class StackLayout {

    static final String PID_FILE_SUFFIX = ".pid";

    final Path repoRoot;
    final Path home;

    public StackLayout(Path repoRoot, Path home) {
        this.repoRoot = repoRoot.toAbsolutePath().normalize();
        this.home = home.toAbsolutePath().normalize();
    }

    public static StackLayout fromEnvironment() {
        String root = System.getProperty("stack.root");
        if (root == null) {
            throw new StackException("system property stack.root is not set: run the launcher through ./stack");
        }
        String home = System.getenv("STACK_HOME");
        Path repo = Path.of(root);
        return new StackLayout(repo, home == null || home.isBlank() ? repo.resolve(".stack") : Path.of(home));
    }

    public Path repoRoot() {
        return repoRoot;
    }

    Path dataDir(String service) {
        return home.resolve("data").resolve(service);
    }

    Path confDir(String service) {
        return home.resolve("conf").resolve(service);
    }

    public Path logsDir() {
        return home.resolve("logs");
    }

    /** The job jars the view versions were deployed with, each under its SHA-256. */
    public Path jarsDir() {
        return home.resolve("jars");
    }

    public Path runDir() {
        return home.resolve("run");
    }

    /**
     * The running process of the TaskManager that Flink's REST API lists under this resource id,
     * checked as {@code ./stack} checks its own (a recycled pid is never taken for it): the stack
     * starts TaskManager {@code i} as process {@code flink-taskmanager-i} with the id
     * {@code taskmanager-i} (see {@link FlinkCluster}).
     */
    public ProcessHandle taskManager(String resourceId) {
        if (!resourceId.matches(FlinkCluster.TASK_MANAGER_RESOURCE_ID + "[0-9]+")) {
            throw new StackException(
                    "TaskManager '" + resourceId + "' was not started by ./stack (its TaskManagers are "
                            + FlinkCluster.TASK_MANAGER_RESOURCE_ID + "1, 2, ...)");
        }
        ManagedProcess process = new ManagedProcess(FlinkCluster.processOf(resourceId), this);
        return process.handle()
                .orElseThrow(() -> new StackException("TaskManager " + resourceId + " is not running as process "
                        + process.name + " of " + runDir() + " (./stack status)"));
    }

    /**
     * Every process of this stack that is running now, by its name ({@code kafka}, {@code cassandra},
     * {@code flink-jobmanager}, {@code flink-taskmanager-1}, ...), as {@code ./stack status} knows
     * them from their pid files; for the bench, which reports what each of them spent.
     */
    public Map<String, ProcessHandle> runningProcesses() {
        Map<String, ProcessHandle> running = new TreeMap<>();
        if (!Files.isDirectory(runDir())) {
            return running;
        }
        try (var files = Files.list(runDir())) {
            files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(PID_FILE_SUFFIX))
                    .map(f -> new ManagedProcess(f.substring(0, f.length() - PID_FILE_SUFFIX.length()), this))
                    .forEach(p -> p.handle().ifPresent(h -> running.put(p.name, h)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return running;
    }

    public Path settingsFile() {
        return home.resolve("stack.properties");
    }

    Path flinkConfSource() {
        return repoRoot.resolve("flink-conf");
    }

    public Path cqlDir() {
        return repoRoot.resolve("cql");
    }

    /** The runtime classpath Maven wrote for a server module (launcher/servers/NAME). */
    String serverClasspath(String server) {
        return readClasspathFile(
                repoRoot.resolve("launcher/servers").resolve(server).resolve("target/classpath.txt"), server);
    }

    static List<Path> classpathEntries(String classpath) {
        return Arrays.stream(classpath.split(java.io.File.pathSeparator))
                .map(Path::of)
                .toList();
    }

    private static String readClasspathFile(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new StackException("the " + what + " classpath is missing (" + file
                    + "): run ./stack again to build it, or mvn -B -pl launcher/servers/" + what
                    + " generate-resources");
        }
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void createDirectories(Path... dirs) {
        try {
            for (Path dir : dirs) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a directory and everything in it, deepest first. */
    public static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static void writeFile(Path file, String text) {
        try {
            Files.writeString(file, text, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
