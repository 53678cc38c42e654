package io.salespipeline.job.kafka;

import io.salespipeline.contract.JobSetting;
import io.salespipeline.contract.ReferenceField;
import io.salespipeline.contract.SaslLogin;
import io.salespipeline.contract.Topic;
import io.salespipeline.job.config.JobConfig;
import io.salespipeline.job.functions.ReferenceLogEnds;
import io.salespipeline.job.parse.ParserLimits;
import io.salespipeline.job.parse.ReferenceParser;
import io.salespipeline.job.parse.ReferenceRecordDeserializer;
import io.salespipeline.job.parse.SaleRecordDeserializer;
import io.salespipeline.job.records.KafkaEnvelope;
import io.salespipeline.job.records.ReferenceRecord;
import io.salespipeline.job.records.SourceRecord;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The job's Kafka source (the event log) and sinks (dead letters, late events). */
public final class KafkaConnectors {

    /** The largest envelope the producers send: what the dead-letter and late topics accept. */
    public static final int MAX_ENVELOPE_BYTES =
            Math.min(Topic.DEAD_LETTERS.maxMessageBytes(), Topic.LATE_EVENTS.maxMessageBytes());

    /** Appended to the job's consumer group for the reference source's. */
    public static final String REFERENCE_GROUP_SUFFIX = "-reference";

    static final String PASSWORD_VARIABLE = "KAFKA_SASL_PASSWORD";
    /**
     * The record header naming the view keyspace whose job wrote a dead letter or late envelope (read by {@code
     * ./replay}).
     */
    public static final String VIEW_KEYSPACE_HEADER = "view_keyspace";

    private KafkaConnectors() {}

    /** The log, parsed inside the source so watermarks are generated per Kafka partition. */
    public static KafkaSource<SourceRecord> itemSalesSource(JobConfig config) {
        ParserLimits limits = ParserLimits.defaults()
                .withMaxMessageBytes(config.maxMessageBytes)
                .withMaxItemSold(config.maxItemSold)
                .withMaxFutureSkewMs(config.maxFutureSkew.toMillis());
        return KafkaSource.<SourceRecord>builder()
                .setBootstrapServers(config.kafkaBootstrap)
                .setTopics(config.topic)
                .setGroupId(config.groupId)
                .setStartingOffsets(startingOffsets(config.startingOffsets))
                .setDeserializer(new SaleRecordDeserializer(limits))
                .setProperties(securityProperties(config))
                .setProperty("partition.discovery.interval.ms", "60000")
                .setProperty("commit.offsets.on.checkpoint", "true")
                .setProperty("client.id.prefix", config.groupId)
                .build();
    }

    /**
     * The reference topics, both in one source: read from their start whatever {@code kafka.starting-offsets} says
     * (every version in force at some sale's time is needed), with a consumer group of their own.
     */
    public static KafkaSource<ReferenceRecord> referenceSource(JobConfig config) {
        ParserLimits limits = ParserLimits.defaults()
                .withMaxMessageBytes(
                        Math.min(Topic.ITEM_CATALOG.maxMessageBytes(), Topic.STORE_DIRECTORY.maxMessageBytes()));
        Map<String, ReferenceField.Kind> kinds = Map.of(
                config.itemCatalogTopic,
                ReferenceField.Kind.ITEM,
                config.storeDirectoryTopic,
                ReferenceField.Kind.STORE);
        String groupId = config.groupId + REFERENCE_GROUP_SUFFIX;
        return KafkaSource.<ReferenceRecord>builder()
                .setBootstrapServers(config.kafkaBootstrap)
                .setTopics(config.itemCatalogTopic, config.storeDirectoryTopic)
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new ReferenceRecordDeserializer(new ReferenceParser(limits, config.currency), kinds))
                .setProperties(securityProperties(config))
                .setProperty("partition.discovery.interval.ms", "60000")
                .setProperty("commit.offsets.on.checkpoint", "true")
                .setProperty("client.id.prefix", groupId)
                .build();
    }

    /** Where the reference topics of {@link #referenceSource} end, asked on the task at each start. */
    public static ReferenceLogEnds referenceEnds(JobConfig config) {
        Properties admin = securityProperties(config);
        admin.setProperty("bootstrap.servers", config.kafkaBootstrap);
        return new KafkaReferenceEnds(admin, List.of(config.itemCatalogTopic, config.storeDirectoryTopic));
    }

    /**
     * Asked once at submission when {@code --enrichment} is on: missing reference topics would otherwise fail the
     * reference signals on every restart, a restart loop that only the exception history explains.
     *
     * @throws io.salespipeline.job.config.ConfigException with a one-line reason when Kafka cannot say where they end
     */
    public static void requireReferenceTopics(JobConfig config) {
        try {
            referenceEnds(config).endOffsets();
        } catch (IllegalStateException e) {
            throw new io.salespipeline.job.config.ConfigException("--enrichment reads the topics "
                    + config.itemCatalogTopic + " and " + config.storeDirectoryTopic + ", which Kafka at "
                    + config.kafkaBootstrap + " cannot tell the end of (" + rootMessage(e)
                    + "): create them (./stack up does) or name them with --"
                    + JobSetting.KAFKA_ITEM_CATALOG_TOPIC.key()
                    + " and --" + JobSetting.KAFKA_STORE_DIRECTORY_TOPIC.key());
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage()).replaceAll("\\s+", " ").trim();
    }

    /** Where the source starts without state; offsets in a restored checkpoint or savepoint always win. */
    static OffsetsInitializer startingOffsets(JobConfig.StartingOffsets offsets) {
        switch (offsets.kind) {
            case COMMITTED:
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case LATEST:
                return OffsetsInitializer.latest();
            case TIMESTAMP:
                return OffsetsInitializer.timestamp(offsets.timestampMs);
            case EARLIEST:
            default:
                return OffsetsInitializer.earliest();
        }
    }

    /**
     * Exactly-once into the topic: an envelope becomes visible to read_committed consumers with the
     * checkpoint that also commits the source offsets, so a restart neither loses nor repeats it.
     */
    public static <T extends KafkaEnvelope> KafkaSink<T> envelopeSink(JobConfig config, String topic, String purpose) {
        Properties producer = securityProperties(config);
        producer.setProperty("max.request.size", Integer.toString(MAX_ENVELOPE_BYTES));
        producer.setProperty("compression.type", "lz4");
        // A replay of a poisoned log sends thousands of envelopes a second: fewer, larger batches
        // cost the producer and the broker (on the same cores) less; envelopes are committed only
        // with the next checkpoint anyway, so 20 ms of lingering delays nothing a reader can see.
        producer.setProperty("linger.ms", "20");
        producer.setProperty("batch.size", Integer.toString(256 * 1024));
        // below the broker's transaction.max.timeout.ms (15 min), above any checkpoint plus restart
        producer.setProperty("transaction.timeout.ms", "600000");
        return KafkaSink.<T>builder()
                .setBootstrapServers(config.kafkaBootstrap)
                .setRecordSerializer(new EnvelopeSerializer<>(topic, config.keyspace))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(config.transactionalIdPrefix(purpose))
                .setKafkaProducerConfig(producer)
                .build();
    }

    /**
     * SASL settings; the password only from the environment ({@code KAFKA_SASL_PASSWORD}), and only
     * as a placeholder that each Kafka client resolves where it is built (see
     * {@link EnvironmentConfigProvider}); it must be set there, not just where the job is submitted.
     */
    static Properties securityProperties(JobConfig config) {
        return securityProperties(config, System.getenv());
    }

    static Properties securityProperties(JobConfig config, Map<String, String> environment) {
        Properties props = new Properties();
        props.setProperty("security.protocol", config.kafkaSecurityProtocol);
        if (!config.kafkaSecurityProtocol.startsWith("SASL")) {
            return props;
        }
        String password = environment.get(PASSWORD_VARIABLE);
        if (config.kafkaSaslUsername == null || config.kafkaSaslUsername.isBlank() || password == null) {
            throw new io.salespipeline.job.config.ConfigException(
                    "--kafka.security-protocol " + config.kafkaSecurityProtocol
                            + " needs --kafka.sasl-username (or KAFKA_SASL_USERNAME) and KAFKA_SASL_PASSWORD "
                            + "in the environment");
        }
        props.setProperty("sasl.mechanism", config.kafkaSaslMechanism);
        props.setProperty("config.providers", EnvironmentConfigProvider.NAME);
        props.setProperty(
                "config.providers." + EnvironmentConfigProvider.NAME + ".class",
                EnvironmentConfigProvider.class.getName());
        // Kafka substitutes the value before it parses the JAAS line: the provider escapes it for the quotes
        props.setProperty(
                "sasl.jaas.config",
                SaslLogin.jaasConfig(
                        config.kafkaSaslMechanism,
                        config.kafkaSaslUsername,
                        "\"" + EnvironmentConfigProvider.jaasQuotedReference(PASSWORD_VARIABLE) + "\""));
        return props;
    }
}
