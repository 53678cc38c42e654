package io.salespipeline.e2e;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The server processes of a stack home, read from the pid files {@code ./stack} writes under {@code run/}, one per
 * server.
 */
public final class StackPidFiles {

    private static final String SUFFIX = ".pid";

    private StackPidFiles() {}

    /** Server name (kafka, cassandra, flink-jobmanager, flink-taskmanager-N) to the pid it was started as. */
    public static Map<String, Long> read(Path home) {
        Map<String, Long> pids = new TreeMap<>();
        Path run = home.resolve("run");
        if (!Files.isDirectory(run)) {
            return pids;
        }
        try (Stream<Path> files = Files.list(run)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX))
                    .toList()) {
                String name = file.getFileName().toString();
                pids.put(name.substring(0, name.length() - SUFFIX.length()), pidIn(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + run, e);
        }
        return pids;
    }

    public static long pid(Path home, String server) {
        Long pid = read(home).get(server);
        if (pid == null) {
            throw new AssertionError("no pid file of " + server + " in " + home.resolve("run"));
        }
        return pid;
    }

    private static long pidIn(Path file) throws IOException {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            props.load(in);
        }
        return Long.parseLong(props.getProperty("pid"));
    }
}
