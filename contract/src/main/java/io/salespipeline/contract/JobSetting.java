package io.salespipeline.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The job's settings, by their program-argument keys ({@code --kafka.topic item_sales}): what the
 * job accepts (its {@code JobConfig} documents each with its default) and what the launcher and
 * the tests pass it, through {@link Arguments}.
 */
public enum JobSetting {
    KAFKA_BOOTSTRAP("kafka.bootstrap"),
    KAFKA_TOPIC("kafka.topic"),
    KAFKA_DLQ_TOPIC("kafka.dlq-topic"),
    KAFKA_LATE_TOPIC("kafka.late-topic"),
    KAFKA_ITEM_CATALOG_TOPIC("kafka.item-catalog-topic"),
    KAFKA_STORE_DIRECTORY_TOPIC("kafka.store-directory-topic"),
    KAFKA_GROUP_ID("kafka.group-id"),
    KAFKA_STARTING_OFFSETS("kafka.starting-offsets"),
    KAFKA_SECURITY_PROTOCOL("kafka.security-protocol"),
    KAFKA_SASL_MECHANISM("kafka.sasl-mechanism"),
    KAFKA_SASL_USERNAME("kafka.sasl-username"),
    CASSANDRA_CONTACT("cassandra.contact"),
    CASSANDRA_USERNAME("cassandra.username"),
    CASSANDRA_MAX_CONCURRENT_REQUESTS("cassandra.max-concurrent-requests"),
    CASSANDRA_BATCH_ROWS("cassandra.batch-rows"),
    CASSANDRA_MAX_BUFFERED_ROWS("cassandra.max-buffered-rows"),
    CASSANDRA_FLUSH_INTERVAL("cassandra.flush-interval"),
    CASSANDRA_WRITE_RETRIES("cassandra.write-retries"),
    VIEW_VERSION("view.version"),
    VIEW_KEYSPACE("view.keyspace"),
    VIEWS_RECORDS("views.records"),
    WATERMARK_OUT_OF_ORDERNESS("watermark.out-of-orderness"),
    WATERMARK_IDLENESS("watermark.idleness"),
    WINDOW_ALLOWED_LATENESS("window.allowed-lateness"),
    WINDOW_EARLY_FIRING("window.early-firing"),
    WINDOW_STORE("window.store"),
    WINDOW_ITEM("window.item"),
    WINDOW_TOP_ITEMS("window.top-items"),
    WINDOW_REGION("window.region"),
    WINDOW_LOCAL_FLUSH("window.local-flush"),
    WINDOW_LOCAL_MAX_KEYS("window.local-max-keys"),
    TOP_N("top.n"),
    PARSE_MAX_MESSAGE_BYTES("parse.max-message-bytes"),
    PARSE_MAX_ITEM_SOLD("parse.max-item-sold"),
    PARSE_MAX_FUTURE_SKEW("parse.max-future-skew"),
    ENRICHMENT("enrichment"),
    ENRICHMENT_REFERENCE_IDLENESS("enrichment.reference-idleness"),
    ENRICHMENT_CURRENCY("enrichment.currency"),
    JOB_MAX_PARALLELISM("job.max-parallelism");

    private final String key;

    JobSetting(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    /**
     * The value of {@code key} in job settings given as {@code --key value} text, the last one where a key is given
     * more than once (as the job reads them).
     */
    public static Optional<String> valueIn(List<String> jobSettings, String key) {
        String flag = "--" + key;
        String value = null;
        for (int i = 0; i + 1 < jobSettings.size(); i++) {
            if (jobSettings.get(i).equals(flag)) {
                value = jobSettings.get(i + 1);
            }
        }
        return Optional.ofNullable(value);
    }

    /** Program arguments for the job, {@code --key value} in the order they are set. */
    public static final class Arguments {
        private final List<String> args = new ArrayList<>();

        public Arguments set(JobSetting setting, Object value) {
            args.add("--" + setting.key);
            args.add(String.valueOf(value));
            return this;
        }

        /** Settings given as {@code --key value} text (a user's extra job settings), appended as they are. */
        public Arguments addAll(List<String> keyValues) {
            args.addAll(keyValues);
            return this;
        }

        public List<String> toList() {
            return List.copyOf(args);
        }
    }
}
