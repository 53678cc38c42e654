package io.salespipeline.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.salespipeline.stack.Progress;
import io.salespipeline.stack.StackException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Step 2: how fast a plain consumer reads the whole log from offset 0 on this machine, bytes only
 * (no parsing): the most any job reading this log could do.
 */
final class KafkaCeiling {

    record Result(long events, long bytes, double seconds) {
        @JsonProperty
        double eventsPerSecond() {
            return events / seconds;
        }

        @JsonProperty
        double megabytesPerSecond() {
            return bytes / seconds / 1e6;
        }
    }

    private static final long STALL_NANOS = 30_000_000_000L;

    private final BenchEnv env;
    private final PrintStream err;

    KafkaCeiling(BenchEnv env, PrintStream err) {
        this.env = env;
        this.err = err;
    }

    Result run(String topic) {
        Map<Integer, Long> end = env.log.endOffsets(topic);
        Map<Integer, Long> start = env.log.startOffsets(topic);
        long total = end.entrySet().stream()
                .mapToLong(e -> e.getValue() - start.getOrDefault(e.getKey(), 0L))
                .sum();
        List<TopicPartition> partitions =
                end.keySet().stream().map(p -> new TopicPartition(topic, p)).toList();
        Progress progress = new Progress(err);
        long events = 0;
        long bytes = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long begin = System.nanoTime();
            long nextUpdate = begin;
            long lastRecord = begin;
            while (events < total) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    bytes += Math.max(0, record.serializedKeySize()) + Math.max(0, record.serializedValueSize());
                }
                events += records.count();
                long now = System.nanoTime();
                if (!records.isEmpty()) {
                    lastRecord = now;
                }
                if (now - lastRecord > STALL_NANOS) {
                    progress.finish(line(events, total, bytes, (now - begin) / 1e9));
                    throw new StackException("the Kafka ceiling read nothing for 30 s at " + events + " of " + total
                            + " events (does Kafka answer at " + env.kafkaBootstrap + "?)");
                }
                if (now >= nextUpdate) {
                    progress.update(line(events, total, bytes, (now - begin) / 1e9));
                    nextUpdate = now + 1_000_000_000L;
                }
            }
            double seconds = (System.nanoTime() - begin) / 1e9;
            progress.finish(line(events, total, bytes, seconds));
            return new Result(events, bytes, seconds);
        }
    }

    private static String line(long events, long total, long bytes, double seconds) {
        return String.format(
                Locale.ROOT,
                "kafka ceiling: read %,d / %,d events | %,.0f events/s | %,.1f MB/s | %.1f s",
                events,
                total,
                events / Math.max(seconds, 1e-9),
                bytes / Math.max(seconds, 1e-9) / 1e6,
                seconds);
    }

    /**
     * A plain consumer: no group (assigned partitions, nothing committed), larger fetches than the defaults' 1 MB per
     * partition.
     */
    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, env.kafkaBootstrap);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, env.runId + "-kafka-ceiling");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
