package io.salespipeline.stack.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.salespipeline.contract.Topic;
import io.salespipeline.testkit.RealStackExtension;
import io.salespipeline.testkit.TestNamespace;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What {@code ./stack generate} publishes, against the real Kafka: exactly the generated messages arrive, keyed by
 * store.
 */
@ExtendWith(RealStackExtension.class)
class EventPublisherIT {

    private static final int COUNT = 5_000;

    @Test
    void theTopicHoldsExactlyTheGeneratedMessagesKeyedByStore(TestNamespace ns) {
        String topic = ns.createTopic("gen", 4, Topic.ITEM_SALES);
        String catalog = ns.createTopic("gen_catalog", 1, Topic.ITEM_CATALOG);
        String directory = ns.createTopic("gen_directory", 1, Topic.STORE_DIRECTORY);
        String bootstrap = ns.endpoints().kafkaBootstrap();
        List<String> finished = new ArrayList<>();
        StatusLine status = StatusLine.of(finished, (lines, text) -> {}, List::add);
        GenerateOptions options = GenerateOptions.parse(
                List.of(
                        "--count",
                        Integer.toString(COUNT),
                        "--rate",
                        "0",
                        "--seed",
                        "11",
                        "--bad-ratio",
                        "0.05",
                        "--late-ratio",
                        "0.05",
                        "--topic",
                        topic,
                        "--item-catalog-topic",
                        catalog,
                        "--store-directory-topic",
                        directory),
                () -> {
                    throw new AssertionError("no --start-time now");
                });

        new EventPublisher(status).publish(options, bootstrap);

        List<ReferenceData.Record> reference = ReferenceData.of(options.events(), options.eventTimeSpan());
        long catalogRecords =
                reference.stream().filter(r -> r.topic() == Topic.ITEM_CATALOG).count();
        assertThat(finished)
                .containsExactly(
                        "sent the reference data: " + catalogRecords + " records to " + catalog + ", "
                                + (reference.size() - catalogRecords) + " to " + directory,
                        finished.get(1));
        assertThat(finished.get(1)).startsWith("sent 5000 events (");
        for (String referenceTopic : List.of(catalog, directory)) {
            Topic kind = referenceTopic.equals(catalog) ? Topic.ITEM_CATALOG : Topic.STORE_DIRECTORY;
            assertThat(readAll(bootstrap, referenceTopic))
                    .extracting(r -> utf8(r.key()) + " " + utf8(r.value()))
                    .as("%s: the reference data, in order", referenceTopic)
                    .containsExactlyElementsOf(reference.stream()
                            .filter(r -> r.topic() == kind)
                            .map(r -> utf8(r.key()) + " " + utf8(r.value()))
                            .toList());
        }
        List<ConsumerRecord<byte[], byte[]>> records = readAll(bootstrap, topic);
        assertThat(records).hasSize(COUNT);

        EventGenerator generator = new EventGenerator(new EventGenerator.Settings(
                11, 20, 30, 0.05, 0.05, Instant.parse("2018-06-29T20:45:00Z").toEpochMilli(), 0));
        Map<String, List<String>> expectedByKey = new LinkedHashMap<>();
        for (int i = 0; i < COUNT; i++) {
            Message m = generator.next();
            expectedByKey.computeIfAbsent(utf8(m.key()), k -> new ArrayList<>()).add(latin1(m.value()));
        }
        // Kafka keeps order per partition, and one store's messages all go to one partition.
        Map<String, List<String>> actualByKey = new LinkedHashMap<>();
        Map<String, Set<Integer>> partitionsOfKey = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            assertThat(r.key()).as("every message has a key").isNotNull();
            String key = utf8(r.key());
            PipelineRules.parse(r.value())
                    .ifPresent(sale -> assertThat(sale.storeId())
                            .as("valid events keyed by store_id")
                            .isEqualTo(key));
            actualByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(latin1(r.value()));
            partitionsOfKey.computeIfAbsent(key, k -> new HashSet<>()).add(r.partition());
        }
        assertThat(actualByKey).isEqualTo(expectedByKey);
        assertThat(partitionsOfKey.values())
                .allSatisfy(partitions -> assertThat(partitions).hasSize(1));
        assertThat(records.stream().map(ConsumerRecord::partition).collect(Collectors.toSet()))
                .hasSizeGreaterThan(1);
    }

    /** Everything in the topic: read up to the end offsets, which also proves nothing beyond them. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            return records;
        }
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Byte for byte, whatever the encoding: bad messages may not be UTF-8. */
    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
