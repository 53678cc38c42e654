package io.salespipeline.stack.local;

import io.salespipeline.contract.Topic;
import io.salespipeline.stack.Args;
import io.salespipeline.stack.StackException;
import io.salespipeline.stack.clients.Credentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Ports, sizes and the secured mode of the local stack. Each setting is a command-line option of
 * {@code ./stack up}; what {@code up} last used is remembered in the stack home, so {@code status},
 * {@code flink} and later {@code up} calls without options agree with the running servers. No
 * credential is ever stored here: they come from the environment ({@link Credentials}).
 */
public final class StackSettings {

    /** Every service binds here: nothing of the local stack is reachable from another machine. */
    static final String HOST = "127.0.0.1";

    enum Kind {
        PORT,
        SIZE,
        COUNT,
        /** A topic retention: hours or days ({@code 12h}, {@code 30d}), or {@code none} for forever. */
        RETENTION
    }

    public enum Setting {
        KAFKA_PORT("kafka-port", Kind.PORT, "9092", "Kafka client listener"),
        KAFKA_CONTROLLER_PORT("kafka-controller-port", Kind.PORT, "9093", "Kafka KRaft controller listener"),
        KAFKA_HEAP("kafka-heap", Kind.SIZE, "512m", "Kafka broker heap"),
        CASSANDRA_PORT("cassandra-port", Kind.PORT, "9042", "Cassandra CQL native transport"),
        CASSANDRA_STORAGE_PORT("cassandra-storage-port", Kind.PORT, "7000", "Cassandra inter-node storage"),
        CASSANDRA_HEAP("cassandra-heap", Kind.SIZE, "1g", "Cassandra heap"),
        FLINK_PORT("flink-port", Kind.PORT, "8081", "Flink REST API and web UI"),
        FLINK_RPC_PORT("flink-rpc-port", Kind.PORT, "6123", "Flink JobManager RPC"),
        /**
         * Two by default: each job spreads its slots over both, so when one is lost the other, which
         * already runs the job's code, takes all of it at once instead of the job waiting for a new JVM.
         */
        TASKMANAGERS("taskmanagers", Kind.COUNT, "2", "Flink TaskManagers"),
        DLQ_RETENTION(
                "dlq-retention",
                Kind.RETENTION,
                Topic.DEFAULT_ENVELOPE_RETENTION.toDays() + "d",
                "how long item_sales_dlq keeps a dead letter from its write (none: forever)"),
        LATE_RETENTION(
                "late-retention",
                Kind.RETENTION,
                Topic.DEFAULT_ENVELOPE_RETENTION.toDays() + "d",
                "how long item_sales_late keeps an envelope from its write (none: forever)");

        public final String option;
        final Kind kind;
        public final String defaultValue;
        final String description;

        Setting(String option, Kind kind, String defaultValue, String description) {
            this.option = option;
            this.kind = kind;
            this.defaultValue = defaultValue;
            this.description = description;
        }

        public boolean isPort() {
            return kind == Kind.PORT;
        }
    }

    /** The retention setting that keeps a topic's messages forever. */
    static final String FOREVER = "none";

    /** More would not fit this machine's memory next to the other servers (2 GB each). */
    static final int MAX_TASKMANAGERS = 4;

    public static final Set<String> OPTIONS =
            java.util.Arrays.stream(Setting.values()).map(s -> s.option).collect(Collectors.toUnmodifiableSet());

    /**
     * {@code up --secure}: Kafka only on a SASL listener, Cassandra with PasswordAuthenticator; {@code up --no-secure}
     * turns it off.
     */
    public static final String SECURE = "secure";

    static final String NO_SECURE = "no-secure";
    public static final Set<String> FLAGS = Set.of(SECURE, NO_SECURE);

    private final Map<Setting, String> values = new LinkedHashMap<>();
    private boolean secure;

    private StackSettings() {}

    /** Remembered values, overridden by any option given now. */
    public static StackSettings load(StackLayout layout, Args args) {
        StackSettings settings = new StackSettings();
        Properties saved = new Properties();
        Path file = layout.settingsFile();
        if (Files.isRegularFile(file)) {
            try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                saved.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        for (Setting s : Setting.values()) {
            String value = args == null ? null : args.value(s.option);
            if (value == null) {
                value = saved.getProperty(s.option, s.defaultValue);
            }
            settings.values.put(s, validate(s, value.trim()));
        }
        String savedSecure = saved.getProperty(SECURE, "false").trim();
        if (!savedSecure.equals("true") && !savedSecure.equals("false")) {
            throw StackException.usage(file + ": " + SECURE + " must be true or false, got '" + savedSecure + "'");
        }
        settings.secure = Boolean.parseBoolean(savedSecure);
        if (args != null && args.flag(SECURE) && args.flag(NO_SECURE)) {
            throw StackException.usage("--" + SECURE + " and --" + NO_SECURE + " contradict each other: give one");
        }
        if (args != null && args.flag(SECURE)) {
            settings.secure = true;
        } else if (args != null && args.flag(NO_SECURE)) {
            settings.secure = false;
        }
        return settings;
    }

    public void save(StackLayout layout) {
        Properties props = new Properties();
        values.forEach((s, v) -> props.setProperty(s.option, v));
        props.setProperty(SECURE, Boolean.toString(secure));
        StackLayout.createDirectories(layout.home);
        try (var out = Files.newBufferedWriter(layout.settingsFile(), StandardCharsets.UTF_8)) {
            props.store(out, "settings of the last ./stack up");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port(Setting s) {
        return Integer.parseInt(values.get(s));
    }

    String value(Setting s) {
        return values.get(s);
    }

    /**
     * How long {@code topic} keeps a message on this stack: the dead-letter and late topics as set, the others
     * forever (null).
     */
    public Duration retention(Topic topic) {
        Setting setting = switch (topic) {
            case DEAD_LETTERS -> Setting.DLQ_RETENTION;
            case LATE_EVENTS -> Setting.LATE_RETENTION;
            default -> null;
        };
        if (setting == null || values.get(setting).equals(FOREVER)) {
            return null;
        }
        String value = values.get(setting);
        long amount = Long.parseLong(value.substring(0, value.length() - 1));
        return value.endsWith("d") ? Duration.ofDays(amount) : Duration.ofHours(amount);
    }

    public int taskManagers() {
        return Integer.parseInt(values.get(Setting.TASKMANAGERS));
    }

    /**
     * Whether the stack runs secured: Kafka clients must log in with SASL/PLAIN, Cassandra clients
     * with a role and password (the credentials come from the environment, see {@link Credentials}).
     */
    public boolean secure() {
        return secure;
    }

    public String kafkaBootstrap() {
        return HOST + ":" + port(Setting.KAFKA_PORT);
    }

    public String cassandraContact() {
        return HOST + ":" + port(Setting.CASSANDRA_PORT);
    }

    public String flinkRest() {
        return "http://" + HOST + ":" + port(Setting.FLINK_PORT);
    }

    private static String validate(Setting s, String value) {
        if (s.kind == Kind.COUNT) {
            if (!value.matches("[0-9]{1,3}")
                    || Integer.parseInt(value) < 1
                    || Integer.parseInt(value) > MAX_TASKMANAGERS) {
                throw StackException.usage(
                        "--" + s.option + " expects a number from 1 to " + MAX_TASKMANAGERS + ", got '" + value + "'");
            }
        } else if (s.isPort()) {
            int port;
            try {
                port = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw StackException.usage("--" + s.option + " expects a port number, got '" + value + "'");
            }
            if (port < 1024 || port > 65535) {
                throw StackException.usage("--" + s.option + " must be between 1024 and 65535, got " + port);
            }
        } else if (s.kind == Kind.RETENTION) {
            if (!value.equals(FOREVER) && !value.matches("[1-9][0-9]{0,5}[hd]")) {
                throw StackException.usage("--" + s.option + " expects hours or days such as 12h or 30d, or " + FOREVER
                        + ", got '" + value + "'");
            }
        } else if (!value.matches("[0-9]+[kKmMgG]")) {
            throw StackException.usage("--" + s.option + " expects a size such as 512m or 1g, got '" + value + "'");
        }
        return value;
    }
}
