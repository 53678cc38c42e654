package io.salespipeline.stack.local;

import io.salespipeline.stack.StackException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code flink-conf/config.yaml}, kept in Flink's flattened form ({@code a.b.c: value}) so the
 * launcher can override single keys (addresses, ports, directories) line by line and leave
 * everything else, comments included, as the user wrote it.
 */
public final class FlinkConf {

    private final Path source;
    private final List<String> lines;

    private FlinkConf(Path source, List<String> lines) {
        this.source = source;
        this.lines = lines;
    }

    public static FlinkConf read(Path file) {
        try {
            return new FlinkConf(file, new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new StackException("cannot read the Flink configuration " + file + ": " + e.getMessage());
        }
    }

    /** The value of a top-level key, unquoted, or null. */
    public String get(String key) {
        for (int i = 0; i < lines.size(); i++) {
            String k = keyOf(i);
            if (key.equals(k)) {
                return unquote(
                        lines.get(i).substring(lines.get(i).indexOf(':') + 1).strip());
            }
        }
        return null;
    }

    /** A copy with these keys replaced where they stand, and appended where they are missing. */
    public FlinkConf with(Map<String, String> overrides) {
        Map<String, String> pending = new LinkedHashMap<>(overrides);
        List<String> out = new ArrayList<>(lines.size() + overrides.size() + 2);
        for (int i = 0; i < lines.size(); i++) {
            String k = keyOf(i);
            if (k != null && pending.containsKey(k)) {
                out.add(k + ": " + quote(pending.remove(k)));
            } else {
                out.add(lines.get(i));
            }
        }
        if (!pending.isEmpty()) {
            out.add("");
            out.add("# set by ./stack for the local cluster");
            pending.forEach((k, v) -> out.add(k + ": " + quote(v)));
        }
        return new FlinkConf(source, out);
    }

    /** A copy without the keys that start with this prefix. */
    public FlinkConf without(String keyPrefix) {
        List<String> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String k = keyOf(i);
            if (k == null || !k.startsWith(keyPrefix)) {
                out.add(lines.get(i));
            }
        }
        return new FlinkConf(source, out);
    }

    public void write(Path file) {
        StackLayout.writeFile(file, String.join("\n", lines) + "\n");
    }

    private String keyOf(int index) {
        String line = lines.get(index);
        if (line.isBlank() || line.stripLeading().startsWith("#")) {
            return null;
        }
        if (Character.isWhitespace(line.charAt(0)) || line.startsWith("-")) {
            throw new StackException(source + " line " + (index + 1)
                    + " is nested YAML: keep flink-conf/config.yaml in flattened form (key.sub.name: value)");
        }
        int colon = line.indexOf(": ");
        if (colon < 0 && line.endsWith(":")) {
            throw new StackException(source + " line " + (index + 1)
                    + " opens a nested block: keep flink-conf/config.yaml in flattened form (key.sub.name: value)");
        }
        return colon < 0 ? null : line.substring(0, colon).strip();
    }

    private static String unquote(String v) {
        int hash = v.startsWith("'") || v.startsWith("\"") ? -1 : v.indexOf(" #");
        if (hash >= 0) {
            v = v.substring(0, hash).strip();
        }
        if (v.length() >= 2 && ((v.startsWith("'") && v.endsWith("'")) || (v.startsWith("\"") && v.endsWith("\"")))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    private static String quote(String v) {
        return v.matches("[A-Za-z0-9_./:@=+-]+") ? v : "'" + v.replace("'", "''") + "'";
    }
}
