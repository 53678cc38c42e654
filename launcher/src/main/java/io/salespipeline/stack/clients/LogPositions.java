package io.salespipeline.stack.clients;

import io.salespipeline.stack.StackException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Offsets in the log: where each partition begins and ends, and where a consumer group stands. */
public final class LogPositions implements AutoCloseable {

    private final Admin admin;
    private final String bootstrap;

    public LogPositions(String bootstrap) {
        this.bootstrap = bootstrap;
        this.admin = Clients.kafkaAdmin(bootstrap);
    }

    /** Partition number to offset. */
    public Map<Integer, Long> endOffsets(String topic) {
        return offsets(topic, OffsetSpec.latest());
    }

    public Map<Integer, Long> startOffsets(String topic) {
        return offsets(topic, OffsetSpec.earliest());
    }

    /** The group's committed offsets on this topic (a partition it never committed is absent). */
    public Map<Integer, Long> committed(String groupId, String topic) {
        Map<TopicPartition, OffsetAndMetadata> offsets = await(
                admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata(),
                "reading the offsets of group " + groupId);
        Map<Integer, Long> result = new TreeMap<>();
        offsets.forEach((tp, om) -> {
            if (tp.topic().equals(topic) && om != null) {
                result.put(tp.partition(), om.offset());
            }
        });
        return result;
    }

    private Map<Integer, Long> offsets(String topic, OffsetSpec spec) {
        List<Integer> partitions = await(
                        admin.describeTopics(List.of(topic)).allTopicNames(), "describing topic " + topic)
                .get(topic)
                .partitions()
                .stream()
                .map(p -> p.partition())
                .toList();
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(p -> request.put(new TopicPartition(topic, p), spec));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> answer =
                await(admin.listOffsets(request).all(), "listing the offsets of " + topic);
        Map<Integer, Long> result = new TreeMap<>();
        answer.forEach((tp, info) -> result.put(tp.partition(), info.offset()));
        return result;
    }

    private <T> T await(org.apache.kafka.common.KafkaFuture<T> future, String what) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new StackException(
                    what + " failed at " + bootstrap + ": " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new StackException("no Kafka answers at " + bootstrap + " (" + what + " timed out)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while " + what);
        }
    }

    @Override
    public void close() {
        admin.close(java.time.Duration.ofSeconds(2));
    }
}
