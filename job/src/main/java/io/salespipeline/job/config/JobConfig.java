package io.salespipeline.job.config;

import io.salespipeline.contract.SaslLogin;
import io.salespipeline.contract.ViewVersions;
import io.salespipeline.contract.Topic;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Every setting of the pipeline job, typed, with its default, in one place.
 *
 * <p>Set with {@code --key value} program arguments (e.g. {@code --kafka.bootstrap host:9092
 * --view.version 2}); secrets only from the environment ({@code KAFKA_SASL_PASSWORD},
 * {@code CASSANDRA_PASSWORD}) so they never appear in a command line or the web UI. Checkpointing,
 * state backend and restarts belong to the cluster and come from {@code flink-conf/config.yaml}.
 */
public final class JobConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    /** One documented setting: its key, default and what it means (printed by {@code --help}). */
    public record Option(String key, String defaultValue, String description) {}

    public static final List<Option> OPTIONS = List.of(
            new Option("kafka.bootstrap", "127.0.0.1:9092", "Kafka bootstrap servers (env KAFKA_BOOTSTRAP)"),
            new Option("kafka.topic", Topic.ITEM_SALES.defaultName(), "the event log topic"),
            new Option("kafka.dlq-topic", Topic.DEAD_LETTERS.defaultName(), "topic for rejected input, with reason and source position"),
            new Option("kafka.late-topic", Topic.LATE_EVENTS.defaultName(), "topic for events beyond the allowed lateness"),
            new Option("kafka.group-id", ViewVersions.CONSUMER_GROUP_PATTERN, "consumer group; offsets are committed on checkpoints"),
            new Option("kafka.starting-offsets", "earliest", "when the job has no state: earliest, committed (else earliest), latest, or a timestamp (epoch ms or ISO-8601)"),
            new Option("kafka.security-protocol", "PLAINTEXT", "PLAINTEXT, SASL_PLAINTEXT or SASL_SSL (env KAFKA_SECURITY_PROTOCOL)"),
            new Option("kafka.sasl-mechanism", "PLAIN", "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (env KAFKA_SASL_MECHANISM)"),
            new Option("kafka.sasl-username", "", "SASL user (env KAFKA_SASL_USERNAME); the password comes from env KAFKA_SASL_PASSWORD"),
            new Option("cassandra.contact", "127.0.0.1:9042", "Cassandra contact point host:port (env CASSANDRA_CONTACT)"),
            new Option("cassandra.username", "", "Cassandra user (env CASSANDRA_USERNAME); the password comes from env CASSANDRA_PASSWORD"),
            new Option("cassandra.max-concurrent-requests", "64", "in-flight requests (a batch or a row) per sink subtask"),
            new Option("cassandra.batch-rows", "25", "rows of one partition sent as one unlogged batch (Cassandra warns above 5 KiB per batch)"),
            new Option("cassandra.max-buffered-rows", "5000", "rows a sink subtask holds before it sends them all"),
            new Option("cassandra.flush-interval", "100ms", "the longest a row waits in a sink before it is sent (checkpoints send everything)"),
            new Option("cassandra.write-retries", "3", "retries of a timed-out or unavailable write before the job fails and restarts from its checkpoint"),
            new Option("view.version", "1", "view version: the job writes keyspace sales_v{version}"),
            new Option("view.keyspace", ViewVersions.KEYSPACE_PATTERN, "keyspace override (tests)"),
            new Option("views.records", "true", "also write the record views item_sales and sales_by_store_day"),
            new Option("watermark.out-of-orderness", "5s", "bounded out-of-orderness per Kafka partition"),
            new Option("watermark.idleness", "30s", "a partition without events this long stops holding back the watermark"),
            new Option("window.allowed-lateness", "60s", "late events within this still update their windows"),
            new Option("window.early-firing", "5s", "processing-time interval of early (final = false) results"),
            new Option("window.store", "1min", "window size of store_sales_per_minute"),
            new Option("window.item", "1h", "window size of item_sales_per_hour"),
            new Option("window.top-items", "1h", "window size of top_items_per_store_hour"),
            new Option("window.local-flush", "1s", "each subtask sums its events per key and window and sends the sums at every watermark and checkpoint, and at least this often"),
            new Option("window.local-max-keys", "10000", "open sums per window and subtask before they are sent early"),
            new Option("top.n", "5", "how many items top_items_per_store_hour ranks"),
            new Option("parse.max-message-bytes", "65536", "larger messages go to the DLQ as OVERSIZE"),
            new Option("parse.max-item-sold", "1000000", "larger item_sold is ABSURD_QUANTITY"),
            new Option("parse.max-future-skew", "15min", "an event stamped further ahead of its Kafka record timestamp is TIMESTAMP_IN_FUTURE"),
            new Option("job.max-parallelism", "128", "key groups: the upper bound for rescaling from a savepoint"));

    private static final Map<String, Option> BY_KEY = new LinkedHashMap<>();

    static {
        OPTIONS.forEach(o -> BY_KEY.put(o.key(), o));
    }

    public final String kafkaBootstrap;
    public final String topic;
    public final String dlqTopic;
    public final String lateTopic;
    public final String groupId;
    public final StartingOffsets startingOffsets;
    public final String kafkaSecurityProtocol;
    public final String kafkaSaslMechanism;
    public final String kafkaSaslUsername;
    public final String cassandraHost;
    public final int cassandraPort;
    public final String cassandraUsername;
    public final int cassandraMaxConcurrentRequests;
    public final int cassandraBatchRows;
    public final int cassandraMaxBufferedRows;
    public final Duration cassandraFlushInterval;
    public final int cassandraWriteRetries;
    public final int viewVersion;
    public final String keyspace;
    public final boolean writeRecordViews;
    public final Duration outOfOrderness;
    public final Duration idleness;
    public final Duration allowedLateness;
    public final Duration earlyFiring;
    public final Duration storeWindow;
    public final Duration itemWindow;
    public final Duration topItemsWindow;
    public final Duration localFlush;
    public final int localMaxKeys;
    public final int topN;
    public final int maxMessageBytes;
    public final int maxItemSold;
    public final Duration maxFutureSkew;
    public final int maxParallelism;

    private JobConfig(Map<String, String> values) {
        Reader r = new Reader(values);
        this.viewVersion = r.positiveInt("view.version");
        this.kafkaBootstrap = r.text("kafka.bootstrap");
        this.topic = r.text("kafka.topic");
        this.dlqTopic = r.text("kafka.dlq-topic");
        this.lateTopic = r.text("kafka.late-topic");
        this.groupId = ViewVersions.fill(r.text("kafka.group-id"), viewVersion);
        this.startingOffsets = r.parse("kafka.starting-offsets", StartingOffsets::parse);
        this.kafkaSecurityProtocol = r.oneOf("kafka.security-protocol", "PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL");
        this.kafkaSaslMechanism = r.oneOf("kafka.sasl-mechanism", SaslLogin.MECHANISMS.toArray(String[]::new));
        this.kafkaSaslUsername = values.get("kafka.sasl-username");
        String contact = r.text("cassandra.contact");
        int colon = contact.lastIndexOf(':');
        if (colon <= 0) {
            throw new ConfigException("--cassandra.contact must be host:port, got '" + contact + "'");
        }
        this.cassandraHost = contact.substring(0, colon);
        this.cassandraPort = r.parse("cassandra.contact", v -> port(v.substring(v.lastIndexOf(':') + 1)));
        this.cassandraUsername = values.get("cassandra.username");
        this.cassandraMaxConcurrentRequests = r.positiveInt("cassandra.max-concurrent-requests");
        this.cassandraBatchRows = r.positiveInt("cassandra.batch-rows");
        this.cassandraMaxBufferedRows = r.positiveInt("cassandra.max-buffered-rows");
        this.cassandraFlushInterval = r.duration("cassandra.flush-interval", true);
        this.cassandraWriteRetries = r.nonNegativeInt("cassandra.write-retries");
        this.keyspace = ViewVersions.fill(r.text("view.keyspace"), viewVersion);
        if (!ViewVersions.isKeyspaceName(keyspace)) {
            throw new ConfigException("--view.keyspace '" + keyspace + "' is not a valid keyspace name (lower-case letters, digits, _)");
        }
        this.writeRecordViews = r.bool("views.records");
        this.outOfOrderness = r.duration("watermark.out-of-orderness", false);
        this.idleness = r.duration("watermark.idleness", true);
        this.allowedLateness = r.duration("window.allowed-lateness", false);
        this.earlyFiring = r.duration("window.early-firing", true);
        this.storeWindow = r.duration("window.store", true);
        this.itemWindow = r.duration("window.item", true);
        this.topItemsWindow = r.duration("window.top-items", true);
        this.localFlush = r.duration("window.local-flush", true);
        this.localMaxKeys = r.positiveInt("window.local-max-keys");
        this.topN = r.positiveInt("top.n");
        this.maxMessageBytes = r.positiveInt("parse.max-message-bytes");
        this.maxItemSold = r.positiveInt("parse.max-item-sold");
        this.maxFutureSkew = r.duration("parse.max-future-skew", false);
        this.maxParallelism = r.positiveInt("job.max-parallelism");
    }

    private static int port(String text) {
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("the port must be 1 to 65535, got " + port);
        }
        return port;
    }

    /** The transactional-id prefix of one of the job's Kafka sinks ({@link ViewVersions#transactionalIdPrefix}). */
    public String transactionalIdPrefix(String purpose) {
        return ViewVersions.transactionalIdPrefix(keyspace, purpose);
    }

    /**
     * Defaults, then environment fallbacks for the endpoints, then {@code --key value} arguments.
     *
     * @throws ConfigException with a one-line reason for an unknown key, a missing value or a bad value
     */
    public static JobConfig fromArgs(String[] args, Map<String, String> environment) {
        Map<String, String> values = new LinkedHashMap<>();
        OPTIONS.forEach(o -> values.put(o.key(), o.defaultValue()));
        envFallback(values, environment, "kafka.bootstrap", "KAFKA_BOOTSTRAP");
        envFallback(values, environment, "cassandra.contact", "CASSANDRA_CONTACT");
        envFallback(values, environment, "kafka.security-protocol", "KAFKA_SECURITY_PROTOCOL");
        envFallback(values, environment, "kafka.sasl-mechanism", "KAFKA_SASL_MECHANISM");
        envFallback(values, environment, "kafka.sasl-username", "KAFKA_SASL_USERNAME");
        envFallback(values, environment, "cassandra.username", "CASSANDRA_USERNAME");
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new ConfigException("unexpected argument '" + arg + "': settings are --key value (see --help)");
            }
            String key = arg.substring(2);
            String value = null;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            }
            if (key.endsWith("password")) {
                throw new ConfigException("--" + key + " is not accepted on the command line: set it in the environment (KAFKA_SASL_PASSWORD, CASSANDRA_PASSWORD)");
            }
            if (!BY_KEY.containsKey(key)) {
                throw new ConfigException("unknown setting --" + key + " (see --help for the list)");
            }
            if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new ConfigException("--" + key + " needs a value");
                }
                value = args[++i];
            }
            values.put(key, value);
        }
        return new JobConfig(values);
    }

    /** The settings as text for {@code --help}. */
    public static String help() {
        StringBuilder text = new StringBuilder("settings (--key value):\n");
        for (Option o : OPTIONS) {
            text.append(String.format(Locale.ROOT, "  --%-34s %-26s %s%n", o.key(), o.defaultValue().isEmpty() ? "(none)" : o.defaultValue(), o.description()));
        }
        return text.toString();
    }

    /** Settings worth showing in the web UI's job configuration: everything here, and no secret is here. */
    public Map<String, String> describe() {
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put("kafka.bootstrap", kafkaBootstrap);
        shown.put("kafka.topic", topic);
        shown.put("kafka.dlq-topic", dlqTopic);
        shown.put("kafka.late-topic", lateTopic);
        shown.put("kafka.group-id", groupId);
        shown.put("kafka.starting-offsets", startingOffsets.toString());
        shown.put("kafka.security-protocol", kafkaSecurityProtocol);
        if (kafkaSecurityProtocol.startsWith("SASL")) {
            shown.put("kafka.sasl-mechanism", kafkaSaslMechanism);
        }
        shown.put("cassandra.contact", cassandraHost + ":" + cassandraPort);
        shown.put("cassandra.max-concurrent-requests", Integer.toString(cassandraMaxConcurrentRequests));
        shown.put("cassandra.batch-rows", Integer.toString(cassandraBatchRows));
        shown.put("cassandra.max-buffered-rows", Integer.toString(cassandraMaxBufferedRows));
        shown.put("cassandra.flush-interval", cassandraFlushInterval.toString());
        shown.put("view.version", Integer.toString(viewVersion));
        shown.put("view.keyspace", keyspace);
        shown.put("views.records", Boolean.toString(writeRecordViews));
        shown.put("watermark.out-of-orderness", outOfOrderness.toString());
        shown.put("watermark.idleness", idleness.toString());
        shown.put("window.allowed-lateness", allowedLateness.toString());
        shown.put("window.early-firing", earlyFiring.toString());
        shown.put("window.store", storeWindow.toString());
        shown.put("window.item", itemWindow.toString());
        shown.put("window.top-items", topItemsWindow.toString());
        shown.put("window.local-flush", localFlush.toString());
        shown.put("window.local-max-keys", Integer.toString(localMaxKeys));
        shown.put("top.n", Integer.toString(topN));
        shown.put("parse.max-future-skew", maxFutureSkew.toString());
        return shown;
    }

    private static void envFallback(Map<String, String> values, Map<String, String> env, String key, String variable) {
        String v = env.get(variable);
        if (v != null && !v.isBlank()) {
            values.put(key, v.trim());
        }
    }

    /** Where the source starts when the job has no state; a restored checkpoint or savepoint always wins. */
    public static final class StartingOffsets implements Serializable {
        private static final long serialVersionUID = 1L;

        public enum Kind { EARLIEST, COMMITTED, LATEST, TIMESTAMP }

        public final Kind kind;
        public final long timestampMs;

        private StartingOffsets(Kind kind, long timestampMs) {
            this.kind = kind;
            this.timestampMs = timestampMs;
        }

        static StartingOffsets parse(String text) {
            String v = text.trim().toLowerCase(Locale.ROOT);
            switch (v) {
                case "earliest":
                    return new StartingOffsets(Kind.EARLIEST, -1);
                case "committed":
                    return new StartingOffsets(Kind.COMMITTED, -1);
                case "latest":
                    return new StartingOffsets(Kind.LATEST, -1);
                default:
                    break;
            }
            if (v.matches("\\d+")) {
                return new StartingOffsets(Kind.TIMESTAMP, Long.parseLong(v));
            }
            try {
                return new StartingOffsets(Kind.TIMESTAMP, Instant.parse(text.trim()).toEpochMilli());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("expected earliest, committed, latest, epoch milliseconds or an ISO-8601 instant");
            }
        }

        @Override
        public String toString() {
            return kind == Kind.TIMESTAMP ? "timestamp " + Instant.ofEpochMilli(timestampMs) : kind.name().toLowerCase(Locale.ROOT);
        }
    }

    /** The longest any duration setting may be: a century. */
    static final Duration MAX_DURATION = Duration.ofDays(36_500);

    /** Reads and checks values, turning every problem into a one-line {@link ConfigException}. */
    private static final class Reader {
        private final Map<String, String> values;

        Reader(Map<String, String> values) {
            this.values = values;
        }

        String text(String key) {
            String v = values.get(key);
            if (v == null || v.isBlank()) {
                throw new ConfigException("--" + key + " must not be empty");
            }
            return v.trim();
        }

        <T> T parse(String key, Function<String, T> parser) {
            String v = text(key);
            try {
                return Objects.requireNonNull(parser.apply(v));
            } catch (RuntimeException e) {
                throw new ConfigException("--" + key + " '" + v + "' is invalid" + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            }
        }

        int positiveInt(String key) {
            int v = parse(key, Integer::parseInt);
            if (v <= 0) {
                throw new ConfigException("--" + key + " must be positive, got " + v);
            }
            return v;
        }

        int nonNegativeInt(String key) {
            int v = parse(key, Integer::parseInt);
            if (v < 0) {
                throw new ConfigException("--" + key + " must not be negative, got " + v);
            }
            return v;
        }

        boolean bool(String key) {
            String v = text(key).toLowerCase(Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                throw new ConfigException("--" + key + " must be true or false, got '" + v + "'");
            }
            return Boolean.parseBoolean(v);
        }

        String oneOf(String key, String... allowed) {
            String v = text(key).toUpperCase(Locale.ROOT);
            for (String a : allowed) {
                if (a.equals(v)) {
                    return a;
                }
            }
            throw new ConfigException("--" + key + " must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
        }

        /**
         * Durations as 500ms, 5s, 1min, 1h, 1d or ISO-8601 (PT5S), in whole milliseconds (the job
         * counts time in them: PT0.0005S would pass as positive and run as 0) and at most
         * {@link #MAX_DURATION}, so event time plus any of them cannot overflow.
         */
        Duration duration(String key, boolean mustBePositive) {
            Duration d = parse(key, Reader::parseDuration);
            if (d.isNegative() || (mustBePositive && d.isZero())) {
                throw new ConfigException("--" + key + " must be " + (mustBePositive ? "positive" : "zero or more") + ", got " + values.get(key));
            }
            if (d.getNano() % 1_000_000 != 0) {
                throw new ConfigException("--" + key + " must be a whole number of milliseconds, got " + values.get(key));
            }
            if (d.compareTo(MAX_DURATION) > 0) {
                throw new ConfigException("--" + key + " must be at most " + MAX_DURATION.toDays() + "d, got " + values.get(key));
            }
            return d;
        }

        static Duration parseDuration(String text) {
            String v = text.trim().toLowerCase(Locale.ROOT);
            if (v.startsWith("pt") || v.startsWith("p")) {
                return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            }
            List<String[]> units = new ArrayList<>(List.of(
                    new String[] {"ms", "1"}, new String[] {"min", "60000"}, new String[] {"s", "1000"}, new String[] {"h", "3600000"}, new String[] {"d", "86400000"}));
            for (String[] unit : units) {
                if (v.endsWith(unit[0])) {
                    String number = v.substring(0, v.length() - unit[0].length()).trim();
                    return Duration.ofMillis(Math.multiplyExact(Long.parseLong(number), Long.parseLong(unit[1])));
                }
            }
            throw new IllegalArgumentException("expected a duration such as 500ms, 5s, 1min, 1h");
        }
    }
}
