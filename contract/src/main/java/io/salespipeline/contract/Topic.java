package io.salespipeline.contract;

import java.util.Map;

/**
 * The pipeline's Kafka topics, with what every place that creates, writes or reads them must agree
 * on. Kafka is the system of record: every topic keeps everything forever.
 */
public enum Topic {

    /** The event log. Producers may send messages of several MB; the job turns them into OVERSIZE dead letters. */
    ITEM_SALES("item_sales", 8 * Sizes.MIB),
    /**
     * Rejected input with its reason and log position. A dead letter keeps a payload up to 1 MiB
     * whole, at most six times that once JSON-escaped, whatever the log accepted.
     */
    DEAD_LETTERS("item_sales_dlq", 16 * Sizes.MIB),
    /** Events beyond the allowed lateness, and the closed-window sums only a window could see. */
    LATE_EVENTS("item_sales_late", 16 * Sizes.MIB),
    /**
     * Reference data: the item catalog, one record per version of an item, keyed {@code
     * <item_id>@<effective_from>} so that compaction keeps every version (a replay needs the price
     * in force at each sale, not today's). One partition: the versions of all items in publish order.
     */
    ITEM_CATALOG("item_catalog", Sizes.MIB, Reference.COMPACTED),
    /** Reference data: the store directory, keyed {@code <store_id>@<effective_from>}, like the catalog. */
    STORE_DIRECTORY("store_directory", Sizes.MIB, Reference.COMPACTED);

    /** {@code retention.ms} of every topic: forever. */
    public static final String RETENTION_MS = "-1";

    /** Separates a reference record's id from its {@code effective_from} in its key. */
    public static final char REFERENCE_KEY_SEPARATOR = '@';

    private final String defaultName;
    private final int maxMessageBytes;
    private final boolean compacted;

    Topic(String defaultName, int maxMessageBytes) {
        this(defaultName, maxMessageBytes, !Reference.COMPACTED);
    }

    Topic(String defaultName, int maxMessageBytes, boolean compacted) {
        this.defaultName = defaultName;
        this.maxMessageBytes = maxMessageBytes;
        this.compacted = compacted;
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

    /** The topic-level settings a topic in this role is created with, whatever its name. */
    public Map<String, String> configs() {
        return Map.of(
                "retention.ms",
                RETENTION_MS,
                "max.message.bytes",
                Integer.toString(maxMessageBytes),
                "cleanup.policy",
                compacted ? "compact" : "delete");
    }

    private static final class Reference {
        static final boolean COMPACTED = true;
    }

    private static final class Sizes {
        static final int MIB = 1024 * 1024;
    }
}
