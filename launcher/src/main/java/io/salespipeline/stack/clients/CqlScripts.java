package io.salespipeline.stack.clients;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.BootstrappingException;
import com.datastax.oss.driver.api.core.servererrors.OverloadedException;
import com.datastax.oss.driver.api.core.servererrors.QueryConsistencyException;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import io.salespipeline.contract.ViewSchema;
import io.salespipeline.contract.ViewVersions;
import io.salespipeline.stack.Pause;
import io.salespipeline.stack.StackException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs the schema files of {@code cql/} as cqlsh would (there is no cqlsh on these machines).
 *
 * <p>The views file is written for keyspace {@value #TEMPLATE_KEYSPACE}; applying it for another
 * view version or a test renames that keyspace, so every version has exactly the same tables.
 */
public final class CqlScripts {

    static final String TEMPLATE_KEYSPACE = ViewVersions.keyspace(1);
    private static final Pattern TEMPLATE = Pattern.compile("\\b" + TEMPLATE_KEYSPACE + "\\b");

    /**
     * Pauses between attempts of a statement that failed transiently: about half a minute in all,
     * the time a node that has just restarted on two busy cores needs before Paxos answers in time.
     */
    static final long[] RETRY_PAUSES_MILLIS = {500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000};

    private CqlScripts() {}

    /**
     * Runs one statement, again after a timeout, a lost connection or an unavailable or overloaded node. Safe because
     * every schema statement is idempotent (they all run again on each {@code ./stack up}); a
     * failure that is not transient, or the last one, is thrown as it is.
     */
    public static void retryingTransientFailures(Runnable statement, long[] pausesMillis, LongConsumer pause) {
        for (int attempt = 0; ; attempt++) {
            try {
                statement.run();
                return;
            } catch (RuntimeException e) {
                if (!isTransient(e) || attempt == pausesMillis.length) {
                    throw e;
                }
                pause.accept(pausesMillis[attempt]);
            }
        }
    }

    static boolean isTransient(RuntimeException e) {
        if (e instanceof AllNodesFailedException failed) {
            // the node dropped the session's connection while it settles after a restart; a refused login is not going
            // to change
            return failed.getAllErrors().values().stream()
                    .flatMap(List::stream)
                    .noneMatch(AuthenticationException.class::isInstance);
        }
        return e instanceof DriverTimeoutException
                || e instanceof QueryConsistencyException
                || e instanceof UnavailableException
                || e instanceof OverloadedException
                || e instanceof BootstrappingException;
    }

    /**
     * @param viewsKeyspace null to apply every file as written; otherwise apply only the files of
     *     the views template, for this keyspace
     * @param schema the view schema of the logic the keyspace's version runs: the files it includes
     */
    public static int applyDirectory(CqlSession session, Path dir, String viewsKeyspace, ViewSchema schema) {
        if (viewsKeyspace != null && !ViewVersions.isKeyspaceName(viewsKeyspace)) {
            throw StackException.usage(
                    "'" + viewsKeyspace + "' is not a valid keyspace name (lower-case letters, digits, _; at most 48)");
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(p -> p.getFileName().toString().endsWith(".cql"))
                    .filter(p -> schema.includes(p.getFileName().toString()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new StackException("cannot read the schema directory " + dir + ": " + e.getMessage());
        }
        int executed = 0;
        for (Path file : files) {
            String text = read(file);
            boolean template = TEMPLATE.matcher(text).find();
            if (viewsKeyspace != null) {
                if (!template) {
                    continue;
                }
                text = TEMPLATE.matcher(text).replaceAll(viewsKeyspace);
            }
            for (String statement : statements(text)) {
                try {
                    retryingTransientFailures(() -> session.execute(statement), RETRY_PAUSES_MILLIS, Pause::millis);
                } catch (RuntimeException e) {
                    throw new StackException(
                            file.getFileName() + ": " + e.getMessage() + " in: " + statement.replaceAll("\\s+", " "));
                }
                executed++;
            }
        }
        return executed;
    }

    /** Splits a CQL script into statements, ignoring semicolons inside comments, strings and quoted names. */
    public static List<String> statements(String script) {
        List<String> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            char next = i + 1 < n ? script.charAt(i + 1) : '\0';
            if ((c == '-' && next == '-') || (c == '/' && next == '/')) {
                while (i < n && script.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && next == '*') {
                int end = script.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                current.append(' ');
            } else if (c == '\'' || c == '"') {
                int end = i + 1;
                while (end < n) {
                    if (script.charAt(end) == c) {
                        if (end + 1 < n && script.charAt(end + 1) == c) {
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    end++;
                }
                current.append(script, i, Math.min(end + 1, n));
                i = end + 1;
            } else if (c == '$' && next == '$') {
                int end = script.indexOf("$$", i + 2);
                int stop = end < 0 ? n : end + 2;
                current.append(script, i, stop);
                i = stop;
            } else if (c == ';') {
                addIfNotBlank(result, current);
                current.setLength(0);
                i++;
            } else {
                current.append(c);
                i++;
            }
        }
        addIfNotBlank(result, current);
        return result;
    }

    private static void addIfNotBlank(List<String> result, StringBuilder statement) {
        String s = statement.toString().strip();
        if (!s.isEmpty()) {
            result.add(s);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether {@code keyspace} exists. Asks the server rather than the driver's metadata, which leaves out system
     * keyspaces.
     */
    public static boolean keyspaceExists(CqlSession session, String keyspace) {
        try {
            return session.execute(SimpleStatement.newInstance(
                                    "SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?",
                                    keyspace))
                            .one()
                    != null;
        } catch (DriverException e) {
            throw new StackException("cannot look up keyspace " + keyspace + ": "
                    + String.valueOf(e.getMessage())
                            .replaceAll("\\s*\\R\\s*", " ")
                            .trim());
        }
    }
}
