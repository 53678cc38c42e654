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
    LATE_EVENTS("item_sales_late", 16 * Sizes.MIB);

    /** {@code retention.ms} of every topic: forever. */
    public static final String RETENTION_MS = "-1";

    private final String defaultName;
    private final int maxMessageBytes;

    Topic(String defaultName, int maxMessageBytes) {
        this.defaultName = defaultName;
        this.maxMessageBytes = maxMessageBytes;
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
        return Map.of("retention.ms", RETENTION_MS, "max.message.bytes", Integer.toString(maxMessageBytes));
    }

    private static final class Sizes {
        static final int MIB = 1024 * 1024;
    }
}
