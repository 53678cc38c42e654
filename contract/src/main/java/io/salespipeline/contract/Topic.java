package io.salespipeline.contract;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The pipeline's Kafka topics, with what every place that creates, writes or reads them must agree
 * on. Kafka is the system of record: the event log and the reference data are kept forever; the
 * dead-letter and late topics, whose envelopes a reprocess writes again, for
 * {@link #DEFAULT_ENVELOPE_RETENTION} from their write unless the stack is told otherwise.
 */
public enum Topic {

    /** The event log. Producers may send messages of several MB; the job turns them into OVERSIZE dead letters. */
    ITEM_SALES("item_sales", 8 * Sizes.MIB),
    /**
     * Rejected input with its reason and log position. A dead letter keeps a payload up to 1 MiB
     * whole, at most six times that once JSON-escaped, whatever the log accepted.
     */
    DEAD_LETTERS("item_sales_dlq", 16 * Sizes.MIB, !Reference.COMPACTED, Envelopes.RETENTION),
    /** Events beyond the allowed lateness, and the closed-window sums only a window could see. */
    LATE_EVENTS("item_sales_late", 16 * Sizes.MIB, !Reference.COMPACTED, Envelopes.RETENTION),
    /**
     * Reference data: the item catalog, one record per version of an item, keyed {@code
     * <item_id>@<effective_from>} so that compaction keeps every version (a replay needs the price
     * in force at each sale, not today's). One partition: the versions of all items in publish order.
     */
    ITEM_CATALOG("item_catalog", Sizes.MIB, Reference.COMPACTED),
    /** Reference data: the store directory, keyed {@code <store_id>@<effective_from>}, like the catalog. */
    STORE_DIRECTORY("store_directory", Sizes.MIB, Reference.COMPACTED);

    /** {@code retention.ms} of a topic kept forever. */
    public static final String FOREVER_MS = "-1";

    /** How long the dead-letter and late topics keep an envelope from its write, unless the stack sets otherwise. */
    public static final Duration DEFAULT_ENVELOPE_RETENTION = Envelopes.RETENTION;

    /** Separates a reference record's id from its {@code effective_from} in its key. */
    public static final char REFERENCE_KEY_SEPARATOR = '@';

    private final String defaultName;
    private final int maxMessageBytes;
    private final boolean compacted;
    /** Null: kept forever. */
    private final Duration defaultRetention;

    Topic(String defaultName, int maxMessageBytes) {
        this(defaultName, maxMessageBytes, !Reference.COMPACTED);
    }

    Topic(String defaultName, int maxMessageBytes, boolean compacted) {
        this(defaultName, maxMessageBytes, compacted, null);
    }

    Topic(String defaultName, int maxMessageBytes, boolean compacted, Duration defaultRetention) {
        this.defaultName = defaultName;
        this.maxMessageBytes = maxMessageBytes;
        this.compacted = compacted;
        this.defaultRetention = defaultRetention;
    }

    /**
     * Whether the topic's messages expire: the envelopes of the dead-letter and late topics, which keep their
     * events' time in their fields, so the broker stamps them with their append time and the retention counts from
     * the write (a reprocess of an old log writes envelopes a time-based retention would otherwise drop at once).
     */
    public boolean expires() {
        return defaultRetention != null;
    }

    /** Whether the topic is compacted: a reference topic, keeping the newest record of each key. */
    public boolean compacted() {
        return compacted;
    }

    /** How many partitions the topic is created with, given the stack's count for the log topics. */
    public int partitions(int logPartitions) {
        return compacted ? 1 : logPartitions;
    }

    /** A reference record's key: {@code <id>@<effective_from>}. */
    public static String referenceKey(String id, long effectiveFromMs) {
        return id + REFERENCE_KEY_SEPARATOR + effectiveFromMs;
    }

    /** The topic's name on the stack; the job and the CLIs take another with their topic settings. */
    public String defaultName() {
        return defaultName;
    }

    /** The topic's {@code max.message.bytes}, and the most its producers send in one message. */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** The topic-level settings a topic in this role is created with, whatever its name, at its default retention. */
    public Map<String, String> configs() {
        return configs(defaultRetention);
    }

    /** The topic-level settings with {@code retention} (null: forever; only a topic that {@link #expires}). */
    public Map<String, String> configs(Duration retention) {
        if (retention != null && !expires()) {
            throw new IllegalArgumentException(defaultName + " is kept forever: the replay depends on it");
        }
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put(RETENTION_MS, retentionMs(retention));
        configs.put("max.message.bytes", Integer.toString(maxMessageBytes));
        configs.put("cleanup.policy", compacted ? "compact" : "delete");
        configs.put(TIMESTAMP_TYPE, expires() ? "LogAppendTime" : "CreateTime");
        return Map.copyOf(configs);
    }

    /** The topic config of a retention. */
    public static final String RETENTION_MS = "retention.ms";

    static final String TIMESTAMP_TYPE = "message.timestamp.type";

    /** {@code retention.ms} of a retention: its milliseconds, or {@link #FOREVER_MS} for null. */
    public static String retentionMs(Duration retention) {
        return retention == null ? FOREVER_MS : Long.toString(retention.toMillis());
    }

    private static final class Reference {
        static final boolean COMPACTED = true;
    }

    private static final class Envelopes {
        static final Duration RETENTION = Duration.ofDays(30);
    }

    private static final class Sizes {
        static final int MIB = 1024 * 1024;
    }
}
