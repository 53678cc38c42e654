package io.salespipeline.job.config;

import static io.salespipeline.contract.JobSetting.*;

import io.salespipeline.contract.SaslLogin;
import io.salespipeline.contract.Topic;
import io.salespipeline.contract.ViewRetention;
import io.salespipeline.contract.ViewTable;
import io.salespipeline.contract.ViewVersions;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
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

    public static final List<Option> OPTIONS = withRetentions(List.of(
            new Option(KAFKA_BOOTSTRAP.key(), "127.0.0.1:9092", "Kafka bootstrap servers (env KAFKA_BOOTSTRAP)"),
            new Option(KAFKA_TOPIC.key(), Topic.ITEM_SALES.defaultName(), "the event log topic"),
            new Option(
                    KAFKA_DLQ_TOPIC.key(),
                    Topic.DEAD_LETTERS.defaultName(),
                    "topic for rejected input, with reason and source position"),
            new Option(
                    KAFKA_LATE_TOPIC.key(),
                    Topic.LATE_EVENTS.defaultName(),
                    "topic for events beyond the allowed lateness"),
            new Option(
                    KAFKA_ITEM_CATALOG_TOPIC.key(),
                    Topic.ITEM_CATALOG.defaultName(),
                    "reference topic: item versions (category, unit price), read with --enrichment"),
            new Option(
                    KAFKA_STORE_DIRECTORY_TOPIC.key(),
                    Topic.STORE_DIRECTORY.defaultName(),
                    "reference topic: store versions (region, city), read with --enrichment"),
            new Option(
                    KAFKA_GROUP_ID.key(),
                    ViewVersions.CONSUMER_GROUP_PATTERN,
                    "consumer group; offsets are committed on checkpoints"),
            new Option(
                    KAFKA_STARTING_OFFSETS.key(),
                    "earliest",
                    "when the job has no state: earliest, committed (else earliest), latest, or a timestamp "
                            + "(epoch ms or ISO-8601)"),
            new Option(
                    KAFKA_SECURITY_PROTOCOL.key(),
                    "PLAINTEXT",
                    "PLAINTEXT, SASL_PLAINTEXT or SASL_SSL (env KAFKA_SECURITY_PROTOCOL)"),
            new Option(
                    KAFKA_SASL_MECHANISM.key(),
                    "PLAIN",
                    "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (env KAFKA_SASL_MECHANISM)"),
            new Option(
                    KAFKA_SASL_USERNAME.key(),
                    "",
                    "SASL user (env KAFKA_SASL_USERNAME); the password comes from env KAFKA_SASL_PASSWORD"),
            new Option(
                    CASSANDRA_CONTACT.key(),
                    "127.0.0.1:9042",
                    "Cassandra contact point host:port (env CASSANDRA_CONTACT)"),
            new Option(
                    CASSANDRA_USERNAME.key(),
                    "",
                    "Cassandra user (env CASSANDRA_USERNAME); the password comes from env CASSANDRA_PASSWORD"),
            new Option(
                    CASSANDRA_MAX_CONCURRENT_REQUESTS.key(),
                    "64",
                    "in-flight requests (a batch or a row) per sink subtask"),
            new Option(
                    CASSANDRA_BATCH_ROWS.key(),
                    "25",
                    "rows of one partition sent as one unlogged batch (Cassandra warns above 5 KiB per batch)"),
            new Option(CASSANDRA_MAX_BUFFERED_ROWS.key(), "5000", "rows a sink subtask holds before it sends them all"),
            new Option(
                    CASSANDRA_FLUSH_INTERVAL.key(),
                    "100ms",
                    "the longest a row waits in a sink before it is sent (checkpoints send everything)"),
            new Option(
                    CASSANDRA_WRITE_RETRIES.key(),
                    "3",
                    "retries of a timed-out or unavailable write before the job fails and restarts from its "
                            + "checkpoint"),
            new Option(VIEW_VERSION.key(), "1", "view version: the job writes keyspace sales_v{version}"),
            new Option(VIEW_KEYSPACE.key(), ViewVersions.KEYSPACE_PATTERN, "keyspace override (tests)"),
            new Option(VIEWS_RECORDS.key(), "true", "also write the record views item_sales and sales_by_store_day"),
            new Option(WATERMARK_OUT_OF_ORDERNESS.key(), "5s", "bounded out-of-orderness per Kafka partition"),
            new Option(
                    WATERMARK_IDLENESS.key(),
                    "30s",
                    "a partition without events this long stops holding back the watermark"),
            new Option(WINDOW_ALLOWED_LATENESS.key(), "60s", "late events within this still update their windows"),
            new Option(WINDOW_EARLY_FIRING.key(), "5s", "processing-time interval of early (final = false) results"),
            new Option(WINDOW_STORE.key(), "1min", "window size of store_sales_per_minute"),
            new Option(WINDOW_ITEM.key(), "1h", "window size of item_sales_per_hour"),
            new Option(WINDOW_TOP_ITEMS.key(), "1h", "window size of top_items_per_store_hour"),
            new Option(WINDOW_REGION.key(), "1h", "window size of region_sales_per_hour (with --enrichment)"),
            new Option(
                    WINDOW_LOCAL_FLUSH.key(),
                    "1s",
                    "each subtask sums its events per key and window and sends the sums at every watermark "
                            + "and checkpoint, and at least this often"),
            new Option(
                    WINDOW_LOCAL_MAX_KEYS.key(),
                    "10000",
                    "open sums per window and subtask before they are sent early"),
            new Option(TOP_N.key(), "5", "how many items top_items_per_store_hour ranks"),
            new Option(PARSE_MAX_MESSAGE_BYTES.key(), "65536", "larger messages go to the DLQ as OVERSIZE"),
            new Option(PARSE_MAX_ITEM_SOLD.key(), "1000000", "larger item_sold is ABSURD_QUANTITY"),
            new Option(
                    PARSE_MAX_FUTURE_SKEW.key(),
                    "15min",
                    "an event stamped further ahead of its Kafka record timestamp is TIMESTAMP_IN_FUTURE"),
            new Option(
                    ENRICHMENT.key(),
                    "false",
                    "join every sale with the catalog and directory versions in force at its event time"),
            new Option(
                    ENRICHMENT_REFERENCE_IDLENESS.key(),
                    "2s",
                    "reference topics silent this long count as read to their end: waiting sales are joined"),
            new Option(
                    ENRICHMENT_CURRENCY.key(),
                    "EUR",
                    "the one currency of catalog prices; others go to the DLQ as WRONG_CURRENCY"),
            new Option(
                    JOB_MAX_PARALLELISM.key(), "128", "key groups: the upper bound for rescaling from a savepoint")));

    /** The options, then one retention per view ({@link ViewRetention}). */
    private static List<Option> withRetentions(List<Option> options) {
        List<Option> all = new ArrayList<>(options);
        for (ViewTable view : ViewTable.values()) {
            all.add(new Option(
                    ViewRetention.settingKey(view),
                    ViewRetention.NONE,
                    "rows are kept this long from their event time (window rows: from the window end), or none"));
        }
        return List.copyOf(all);
    }

    private static final Map<String, Option> BY_KEY = new LinkedHashMap<>();

    static {
        OPTIONS.forEach(o -> BY_KEY.put(o.key(), o));
    }

    public final String kafkaBootstrap;
    public final String topic;
    public final String dlqTopic;
    public final String lateTopic;
    public final String itemCatalogTopic;
    public final String storeDirectoryTopic;
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
    public final Duration regionWindow;
    public final Duration localFlush;
    public final int localMaxKeys;
    public final int topN;
    public final int maxMessageBytes;
    public final int maxItemSold;
    public final Duration maxFutureSkew;
    public final int maxParallelism;
    public final boolean enrichment;
    public final Duration referenceIdleness;
    public final String currency;
    /** Per view, how long its rows are kept from their event time; a view without an entry keeps them forever. */
    private final EnumMap<ViewTable, Duration> retention = new EnumMap<>(ViewTable.class);

    private JobConfig(Map<String, String> values) {
        Reader r = new Reader(values);
        this.viewVersion = r.positiveInt(VIEW_VERSION.key());
        this.kafkaBootstrap = r.text(KAFKA_BOOTSTRAP.key());
        this.topic = r.text(KAFKA_TOPIC.key());
        this.dlqTopic = r.text(KAFKA_DLQ_TOPIC.key());
        this.lateTopic = r.text(KAFKA_LATE_TOPIC.key());
        this.itemCatalogTopic = r.text(KAFKA_ITEM_CATALOG_TOPIC.key());
        this.storeDirectoryTopic = r.text(KAFKA_STORE_DIRECTORY_TOPIC.key());
        this.groupId = ViewVersions.fill(r.text(KAFKA_GROUP_ID.key()), viewVersion);
        this.startingOffsets = r.parse(KAFKA_STARTING_OFFSETS.key(), StartingOffsets::parse);
        this.kafkaSecurityProtocol = r.oneOf(KAFKA_SECURITY_PROTOCOL.key(), "PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL");
        this.kafkaSaslMechanism = r.oneOf(KAFKA_SASL_MECHANISM.key(), SaslLogin.MECHANISMS.toArray(String[]::new));
        this.kafkaSaslUsername = values.get(KAFKA_SASL_USERNAME.key());
        String contact = r.text(CASSANDRA_CONTACT.key());
        int colon = contact.lastIndexOf(':');
        if (colon <= 0) {
            throw new ConfigException("--cassandra.contact must be host:port, got '" + contact + "'");
        }
        this.cassandraHost = contact.substring(0, colon);
        this.cassandraPort = r.parse(CASSANDRA_CONTACT.key(), v -> port(v.substring(v.lastIndexOf(':') + 1)));
        this.cassandraUsername = values.get(CASSANDRA_USERNAME.key());
        this.cassandraMaxConcurrentRequests = r.positiveInt(CASSANDRA_MAX_CONCURRENT_REQUESTS.key());
        this.cassandraBatchRows = r.positiveInt(CASSANDRA_BATCH_ROWS.key());
        this.cassandraMaxBufferedRows = r.positiveInt(CASSANDRA_MAX_BUFFERED_ROWS.key());
        this.cassandraFlushInterval = r.duration(CASSANDRA_FLUSH_INTERVAL.key(), true);
        this.cassandraWriteRetries = r.nonNegativeInt(CASSANDRA_WRITE_RETRIES.key());
        this.keyspace = ViewVersions.fill(r.text(VIEW_KEYSPACE.key()), viewVersion);
        if (!ViewVersions.isKeyspaceName(keyspace)) {
            throw new ConfigException(
                    "--view.keyspace '" + keyspace + "' is not a valid keyspace name (lower-case letters, digits, _)");
        }
        this.writeRecordViews = r.bool(VIEWS_RECORDS.key());
        this.outOfOrderness = r.duration(WATERMARK_OUT_OF_ORDERNESS.key(), false);
        this.idleness = r.duration(WATERMARK_IDLENESS.key(), true);
        this.allowedLateness = r.duration(WINDOW_ALLOWED_LATENESS.key(), false);
        this.earlyFiring = r.duration(WINDOW_EARLY_FIRING.key(), true);
        this.storeWindow = r.duration(WINDOW_STORE.key(), true);
        this.itemWindow = r.duration(WINDOW_ITEM.key(), true);
        this.topItemsWindow = r.duration(WINDOW_TOP_ITEMS.key(), true);
        this.regionWindow = r.duration(WINDOW_REGION.key(), true);
        this.localFlush = r.duration(WINDOW_LOCAL_FLUSH.key(), true);
        this.localMaxKeys = r.positiveInt(WINDOW_LOCAL_MAX_KEYS.key());
        this.topN = r.positiveInt(TOP_N.key());
        this.maxMessageBytes = r.positiveInt(PARSE_MAX_MESSAGE_BYTES.key());
        this.maxItemSold = r.positiveInt(PARSE_MAX_ITEM_SOLD.key());
        this.maxFutureSkew = r.duration(PARSE_MAX_FUTURE_SKEW.key(), false);
        this.maxParallelism = r.positiveInt(JOB_MAX_PARALLELISM.key());
        this.enrichment = r.bool(ENRICHMENT.key());
        this.referenceIdleness = r.duration(ENRICHMENT_REFERENCE_IDLENESS.key(), true);
        this.currency = r.text(ENRICHMENT_CURRENCY.key());
        for (ViewTable view : ViewTable.values()) {
            Duration kept = r.retention(ViewRetention.settingKey(view));
            if (kept != null) {
                retention.put(view, kept);
            }
        }
        if (itemCatalogTopic.equals(storeDirectoryTopic)) {
            throw new ConfigException("--" + KAFKA_ITEM_CATALOG_TOPIC.key() + " and --"
                    + KAFKA_STORE_DIRECTORY_TOPIC.key() + " must be two topics, both are '" + itemCatalogTopic + "'");
        }
    }

    private static int port(String text) {
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("the port must be 1 to 65535, got " + port);
        }
        return port;
    }

    /** How long {@code view} keeps a row from its event time ({@link ViewRetention#ttlSeconds}); null: forever. */
    public Duration retention(ViewTable view) {
        return retention.get(view);
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
        envFallback(values, environment, KAFKA_BOOTSTRAP.key(), "KAFKA_BOOTSTRAP");
        envFallback(values, environment, CASSANDRA_CONTACT.key(), "CASSANDRA_CONTACT");
        envFallback(values, environment, KAFKA_SECURITY_PROTOCOL.key(), "KAFKA_SECURITY_PROTOCOL");
        envFallback(values, environment, KAFKA_SASL_MECHANISM.key(), "KAFKA_SASL_MECHANISM");
        envFallback(values, environment, KAFKA_SASL_USERNAME.key(), "KAFKA_SASL_USERNAME");
        envFallback(values, environment, CASSANDRA_USERNAME.key(), "CASSANDRA_USERNAME");
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
                throw new ConfigException(
                        "--" + key + " is not accepted on the command line: set it in the environment "
                                + "(KAFKA_SASL_PASSWORD, CASSANDRA_PASSWORD)");
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
            text.append(String.format(
                    Locale.ROOT,
                    "  --%-34s %-26s %s%n",
                    o.key(),
                    o.defaultValue().isEmpty() ? "(none)" : o.defaultValue(),
                    o.description()));
        }
        return text.toString();
    }

    /** Settings worth showing in the web UI's job configuration: everything here, and no secret is here. */
    public Map<String, String> describe() {
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put(KAFKA_BOOTSTRAP.key(), kafkaBootstrap);
        shown.put(KAFKA_TOPIC.key(), topic);
        shown.put(KAFKA_DLQ_TOPIC.key(), dlqTopic);
        shown.put(KAFKA_LATE_TOPIC.key(), lateTopic);
        shown.put(KAFKA_GROUP_ID.key(), groupId);
        shown.put(KAFKA_STARTING_OFFSETS.key(), startingOffsets.toString());
        shown.put(KAFKA_SECURITY_PROTOCOL.key(), kafkaSecurityProtocol);
        if (kafkaSecurityProtocol.startsWith("SASL")) {
            shown.put(KAFKA_SASL_MECHANISM.key(), kafkaSaslMechanism);
        }
        shown.put(CASSANDRA_CONTACT.key(), cassandraHost + ":" + cassandraPort);
        shown.put(CASSANDRA_MAX_CONCURRENT_REQUESTS.key(), Integer.toString(cassandraMaxConcurrentRequests));
        shown.put(CASSANDRA_BATCH_ROWS.key(), Integer.toString(cassandraBatchRows));
        shown.put(CASSANDRA_MAX_BUFFERED_ROWS.key(), Integer.toString(cassandraMaxBufferedRows));
        shown.put(CASSANDRA_FLUSH_INTERVAL.key(), cassandraFlushInterval.toString());
        shown.put(VIEW_VERSION.key(), Integer.toString(viewVersion));
        shown.put(VIEW_KEYSPACE.key(), keyspace);
        shown.put(VIEWS_RECORDS.key(), Boolean.toString(writeRecordViews));
        shown.put(WATERMARK_OUT_OF_ORDERNESS.key(), outOfOrderness.toString());
        shown.put(WATERMARK_IDLENESS.key(), idleness.toString());
        shown.put(WINDOW_ALLOWED_LATENESS.key(), allowedLateness.toString());
        shown.put(WINDOW_EARLY_FIRING.key(), earlyFiring.toString());
        shown.put(WINDOW_STORE.key(), storeWindow.toString());
        shown.put(WINDOW_ITEM.key(), itemWindow.toString());
        shown.put(WINDOW_TOP_ITEMS.key(), topItemsWindow.toString());
        shown.put(WINDOW_REGION.key(), regionWindow.toString());
        shown.put(WINDOW_LOCAL_FLUSH.key(), localFlush.toString());
        shown.put(WINDOW_LOCAL_MAX_KEYS.key(), Integer.toString(localMaxKeys));
        shown.put(TOP_N.key(), Integer.toString(topN));
        shown.put(PARSE_MAX_FUTURE_SKEW.key(), maxFutureSkew.toString());
        shown.put(ENRICHMENT.key(), Boolean.toString(enrichment));
        for (ViewTable view : ViewTable.values()) {
            Duration kept = retention(view);
            shown.put(ViewRetention.settingKey(view), kept == null ? ViewRetention.NONE : kept.toString());
        }
        if (enrichment) {
            shown.put(KAFKA_ITEM_CATALOG_TOPIC.key(), itemCatalogTopic);
            shown.put(KAFKA_STORE_DIRECTORY_TOPIC.key(), storeDirectoryTopic);
            shown.put(ENRICHMENT_REFERENCE_IDLENESS.key(), referenceIdleness.toString());
            shown.put(ENRICHMENT_CURRENCY.key(), currency);
        }
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

        public enum Kind {
            EARLIEST,
            COMMITTED,
            LATEST,
            TIMESTAMP
        }

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
                return new StartingOffsets(
                        Kind.TIMESTAMP, Instant.parse(text.trim()).toEpochMilli());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(
                        "expected earliest, committed, latest, epoch milliseconds or an ISO-8601 instant");
            }
        }

        @Override
        public String toString() {
            return kind == Kind.TIMESTAMP
                    ? "timestamp " + Instant.ofEpochMilli(timestampMs)
                    : kind.name().toLowerCase(Locale.ROOT);
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
                throw new ConfigException(
                        "--" + key + " '" + v + "' is invalid" + (e.getMessage() == null ? "" : ": " + e.getMessage()));
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
            throw new ConfigException(
                    "--" + key + " must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
        }

        /**
         * Durations as 500ms, 5s, 1min, 1h, 1d or ISO-8601 (PT5S), in whole milliseconds (the job
         * counts time in them: PT0.0005S would pass as positive and run as 0) and at most
         * {@link #MAX_DURATION}, so event time plus any of them cannot overflow.
         */
        Duration duration(String key, boolean mustBePositive) {
            Duration d = parse(key, Reader::parseDuration);
            if (d.isNegative() || (mustBePositive && d.isZero())) {
                throw new ConfigException("--" + key + " must be " + (mustBePositive ? "positive" : "zero or more")
                        + ", got " + values.get(key));
            }
            if (d.getNano() % 1_000_000 != 0) {
                throw new ConfigException(
                        "--" + key + " must be a whole number of milliseconds, got " + values.get(key));
            }
            if (d.compareTo(MAX_DURATION) > 0) {
                throw new ConfigException(
                        "--" + key + " must be at most " + MAX_DURATION.toDays() + "d, got " + values.get(key));
            }
            return d;
        }

        /** A view's retention: {@value ViewRetention#NONE} (null), or a positive duration no longer than a TTL. */
        Duration retention(String key) {
            if (text(key).equalsIgnoreCase(ViewRetention.NONE)) {
                return null;
            }
            Duration d = duration(key, true);
            if (d.compareTo(ViewRetention.LONGEST) > 0) {
                throw new ConfigException("--" + key + " must be at most " + ViewRetention.LONGEST.toDays()
                        + "d (Cassandra's longest TTL) or none, got " + values.get(key));
            }
            return d;
        }

        static Duration parseDuration(String text) {
            String v = text.trim().toLowerCase(Locale.ROOT);
            if (v.startsWith("pt") || v.startsWith("p")) {
                return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            }
            List<String[]> units = new ArrayList<>(List.of(
                    new String[] {"ms", "1"},
                    new String[] {"min", "60000"},
                    new String[] {"s", "1000"},
                    new String[] {"h", "3600000"},
                    new String[] {"d", "86400000"}));
            for (String[] unit : units) {
                if (v.endsWith(unit[0])) {
                    String number =
                            v.substring(0, v.length() - unit[0].length()).trim();
                    return Duration.ofMillis(Math.multiplyExact(Long.parseLong(number), Long.parseLong(unit[1])));
                }
            }
            throw new IllegalArgumentException("expected a duration such as 500ms, 5s, 1min, 1h");
        }
    }
}
