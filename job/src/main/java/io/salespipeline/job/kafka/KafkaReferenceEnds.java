package io.salespipeline.job.kafka;

import io.salespipeline.job.functions.ReferenceLogEnds;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * The reference topics' end offsets, asked of the brokers once per start of the reference signals: one admin call
 * on the task, never per record. A failure fails the task, as the source itself would fail without the brokers.
 */
final class KafkaReferenceEnds implements ReferenceLogEnds {

    private static final long serialVersionUID = 1L;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Properties adminProperties;
    private final List<String> topics;

    /** @param adminProperties bootstrap and security settings, the password only as a placeholder */
    KafkaReferenceEnds(Properties adminProperties, List<String> topics) {
        this.adminProperties = adminProperties;
        this.topics = List.copyOf(topics);
    }

    @Override
    public Map<String, Long> endOffsets() {
        Properties props = new Properties();
        props.putAll(adminProperties);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "reference-ends");
        try (Admin admin = Admin.create(props)) {
            Map<String, TopicDescription> described =
                    admin.describeTopics(topics).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            described
                    .values()
                    .forEach(topic -> topic.partitions()
                            .forEach(p ->
                                    latest.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets =
                    admin.listOffsets(latest).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<String, Long> ends = new HashMap<>();
            offsets.forEach(
                    (tp, info) -> ends.put(ReferenceLogEnds.partition(tp.topic(), tp.partition()), info.offset()));
            return ends;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read where the reference topics " + topics + " end: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading where the reference topics end", e);
        }
    }
}
