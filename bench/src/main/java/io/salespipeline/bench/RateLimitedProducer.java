package io.salespipeline.bench;

import io.salespipeline.contract.SaleField;
import io.salespipeline.stack.StackException;
import io.salespipeline.stack.generate.Catalog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Live traffic for the latency and recovery steps: well-formed sales events stamped with the wall
 * clock, keyed by store like the tills' messages, sent at a fixed rate on a thread of its own
 * until closed. Every n-th event is reported with the moment it was handed to Kafka and the log
 * position Kafka gave it, which is its {@code event_id} in the record views.
 */
final class RateLimitedProducer implements AutoCloseable {

    /** A sampled event: when it was sent ({@link System#nanoTime}), what it was, and where Kafka put it. */
    record Sent(long sentNanos, String storeId, long timestampMs, RecordMetadata metadata) {
        String eventId() {
            return metadata.partition() + "-" + metadata.offset();
        }
    }

    interface Probe {
        void sent(Sent event);
    }

    private static final List<String> STORES = Catalog.busiestStores(20);
    private static final String[][] ITEMS = {
        {"plates-235", "Plates"},
        {"cups-8154", "Cups"},
        {"forks-6073", "Forks"},
        {"mugs-1912", "Mugs"},
        {"vases-4791", "Vases"}
    };

    private static final long MIN_NAP_NANOS = 1_000_000;

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final Probe probe;
    private final int sampleEvery;
    /**
     * Stores drawn at random, not in turn: a fixed sampling interval would otherwise only ever sample the same few
     * stores.
     */
    private final SplittableRandom random = new SplittableRandom(1);

    private final AtomicLong sent = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean stopped;

    /**
     * Starts sending {@code rate} events per second on a fixed schedule (pauses never accumulate
     * into drift), reporting every {@code sampleEvery}-th to {@code probe}.
     */
    RateLimitedProducer(String bootstrap, String topic, String clientId, int rate, int sampleEvery, Probe probe) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // a till sends as it sells: batches wait at most 5 ms, which is part of the latency measured
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.probe = probe;
        this.sampleEvery = sampleEvery;
        this.thread = new Thread(() -> send(rate), "bench-load-" + topic);
        thread.start();
    }

    private void send(double rate) {
        long start = System.nanoTime();
        try {
            for (long n = 0; !stopped && failure.get() == null; n++) {
                long due = start + (long) (n * 1e9 / rate);
                // at least 1 ms per nap, the events due meanwhile then go together: at 10,000 events/s a
                // wake-up per event would cost the CPU the pipeline under test needs
                while (due - System.nanoTime() > 0 && !stopped) {
                    LockSupport.parkNanos(Math.max(MIN_NAP_NANOS, due - System.nanoTime()));
                }
                send(n % sampleEvery == 0);
                sent.set(n + 1);
            }
            producer.flush();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    /** A sales event as the tills send it (numbers as JSON numbers or strings, as real producers do). */
    private static final String EVENT = "{\"" + SaleField.ITEM_ID.key() + "\": \"%s\", \"" + SaleField.ITEM_SOLD.key()
            + "\": %d, \"" + SaleField.ITEM_NAME.key() + "\": \"%s\", \"" + SaleField.TIMESTAMP_MS.key()
            + "\": \"%d\", \"" + SaleField.STORE_ID.key() + "\": \"%s\"}";

    private void send(boolean sampled) {
        String store = STORES.get(random.nextInt(STORES.size()));
        String[] item = ITEMS[random.nextInt(ITEMS.length)];
        long timestampMs = System.currentTimeMillis();
        byte[] value = String.format(Locale.ROOT, EVENT, item[0], 1 + random.nextInt(7), item[1], timestampMs, store)
                .getBytes(StandardCharsets.UTF_8);
        long sentNanos = System.nanoTime();
        producer.send(new ProducerRecord<>(topic, store.getBytes(StandardCharsets.UTF_8), value), (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            } else if (sampled) {
                probe.sent(new Sent(sentNanos, store, timestampMs, metadata));
            }
        });
    }

    long sent() {
        return sent.get();
    }

    /** Fails if Kafka refused an event: the rate the step claims would not be the rate sent. */
    void check() {
        if (failure.get() != null) {
            throw new StackException(
                    "sending to " + topic + " failed: " + failure.get().getMessage());
        }
    }

    /** Stops sending; what was sent is flushed. */
    @Override
    public void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
