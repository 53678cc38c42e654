package io.salespipeline.job.it;

import io.salespipeline.job.it.SalesDataSet.Message;
import io.salespipeline.job.it.SalesDataSet.Produced;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** A plain producer for the input log and a read_committed reader for the job's output topics. */
public final class KafkaIo {

    private KafkaIo() {}

    static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    /** Sends every message to its explicit partition, in order, and returns where each one landed. */
    static List<Produced> produce(KafkaProducer<byte[], byte[]> producer, String topic, List<Message> messages)
            throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>(messages.size());
        for (Message m : messages) {
            byte[] key = m.valid() ? m.sale().itemId().getBytes(StandardCharsets.UTF_8) : null;
            sent.add(producer.send(new ProducerRecord<>(topic, m.partition(), key, m.value())));
        }
        producer.flush();
        List<Produced> produced = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            RecordMetadata md = sent.get(i).get(30, TimeUnit.SECONDS);
            if (md.partition() != messages.get(i).partition()) {
                throw new IllegalStateException("message landed on partition " + md.partition() + " instead of "
                        + messages.get(i).partition());
            }
            produced.add(new Produced(messages.get(i), topic, md.partition(), md.offset(), md.timestamp()));
        }
        return produced;
    }

    /**
     * Every committed record of {@code topic}: polls until at least {@code expected} arrived (or the
     * timeout passed), then goes on polling for {@code settle} so that duplicates or extra records
     * committed a checkpoint later would be seen too.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readCommitted(
            String bootstrap, String topic, int expected, Duration timeout, Duration settle) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return read(props, topic, expected, timeout, settle);
    }

    /**
     * Reads {@code topic} from the beginning of every partition with the given client settings
     * (address, login, isolation level), as {@link #readCommitted} does.
     */
    public static List<ConsumerRecord<byte[], byte[]>> read(
            Properties settings, String topic, int expected, Duration timeout, Duration settle) {
        Properties props = new Properties();
        props.putAll(settings);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024));
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(300)).forEach(records::add);
            }
            long settleUntil = System.nanoTime() + settle.toNanos();
            while (System.nanoTime() < settleUntil) {
                consumer.poll(Duration.ofMillis(300)).forEach(records::add);
            }
        }
        return records;
    }

    /** The records' values as UTF-8 text. */
    public static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream()
                .map(r -> new String(r.value(), java.nio.charset.StandardCharsets.UTF_8))
                .toList();
    }
}
