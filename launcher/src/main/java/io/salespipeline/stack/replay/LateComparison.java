package io.salespipeline.stack.replay;

import io.salespipeline.stack.clients.Clients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Which events two view versions sent to the late topic, compared over the part of the log both
 * had committed (a version's late envelopes become visible with the checkpoint that commits its
 * offsets). Envelopes carry the writing job's keyspace in a record header.
 */
final class LateComparison {

    /** The job's {@code KafkaConnectors.VIEW_KEYSPACE_HEADER}. */
    static final String VIEW_KEYSPACE_HEADER = "view_keyspace";

    /**
     * Late envelopes by key (an event's source position, or a closed window's view/window/key) of each version, and
     * those only one has.
     */
    record Result(Set<String> before, Set<String> after, Set<String> onlyBefore, Set<String> onlyAfter) {
        int differently() {
            return onlyBefore.size() + onlyAfter.size();
        }
    }

    private LateComparison() {}

    /**
     * @param horizon per log partition, the offset below which both versions had committed; an event envelope at or
     *   beyond it is left out (a closed-window envelope has no single offset and is always in)
     */
    static Result compare(
            String bootstrap,
            String lateTopic,
            String keyspaceBefore,
            String keyspaceAfter,
            Map<Integer, Long> horizon) {
        Set<String> before = new TreeSet<>();
        Set<String> after = new TreeSet<>();
        Properties props = Clients.kafkaSecurity();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "replay-late-comparison");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(lateTopic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(lateTopic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            List<TopicPartition> unread = new ArrayList<>(partitions);
            while (!unread.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                    String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
                    if (!belowHorizon(key, horizon)) {
                        continue;
                    }
                    Header keyspace = record.headers().lastHeader(VIEW_KEYSPACE_HEADER);
                    String writer = keyspace == null ? null : new String(keyspace.value(), StandardCharsets.UTF_8);
                    if (keyspaceBefore.equals(writer)) {
                        before.add(key);
                    } else if (keyspaceAfter.equals(writer)) {
                        after.add(key);
                    }
                }
                // read_committed: the end offsets are the last stable ones, past any open transaction's envelopes
                unread.removeIf(tp -> consumer.position(tp) >= end.get(tp));
            }
        }
        Set<String> onlyBefore = new TreeSet<>(before);
        onlyBefore.removeAll(after);
        Set<String> onlyAfter = new TreeSet<>(after);
        onlyAfter.removeAll(before);
        return new Result(before, after, onlyBefore, onlyAfter);
    }

    /**
     * An event envelope's key is {@code topic/partition/offset}; anything else (a closed window) has no single offset.
     */
    static boolean belowHorizon(String key, Map<Integer, Long> horizon) {
        String[] parts = key.split("/");
        if (parts.length != 3) {
            return true;
        }
        try {
            int partition = Integer.parseInt(parts[1]);
            long offset = Long.parseLong(parts[2]);
            return offset < horizon.getOrDefault(partition, 0L);
        } catch (NumberFormatException e) {
            return true;
        }
    }
}
