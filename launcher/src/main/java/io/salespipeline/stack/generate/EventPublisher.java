package io.salespipeline.stack.generate;

import io.salespipeline.contract.Topic;
import io.salespipeline.stack.StackException;
import io.salespipeline.stack.clients.AuthFailures;
import io.salespipeline.stack.clients.Clients;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends generated sales events, or the lines of a file or stdin, to Kafka at a steady rate with
 * live progress, and returns only once the broker has acknowledged every message, so "sent N"
 * means N messages are in the log. {@code ./stack generate}, the demo and the bench's preload use it.
 */
public final class EventPublisher {

    private static final long PROGRESS_INTERVAL_NANOS = 1_000_000_000L;
    /** Only reached after a failure: on success, everything was flushed before closing. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private static final Duration REFERENCE_ACK_TIMEOUT = Duration.ofSeconds(30);

    private final StatusLine status;
    private final InputStream stdin;
    private final Function<String, Producer<byte[], byte[]>> producers;
    private final AtomicLong sentSoFar = new AtomicLong();
    private volatile boolean stopRequested;

    public EventPublisher(StatusLine status) {
        this(status, System.in, EventPublisher::kafkaProducer);
    }

    public EventPublisher(StatusLine status, InputStream stdin, Function<String, Producer<byte[], byte[]>> producers) {
        this.status = status;
        this.stdin = stdin;
        this.producers = producers;
    }

    /** Ends a running {@link #publish} after the message in flight; what was sent is still flushed. */
    public void stop() {
        stopRequested = true;
    }

    /** Messages handed to Kafka so far by {@link #publish}, for a caller watching from another thread. */
    public long sentSoFar() {
        return sentSoFar.get();
    }

    /** Sends what the options say to {@code bootstrap}; a failure is a one-line {@link StackException}. */
    public void publish(GenerateOptions options, String bootstrap) {
        String input = options.file() != null ? options.file().toString() : "stdin";
        try {
            if (options.file() != null) {
                try (InputStream in = Files.newInputStream(options.file())) {
                    send(options, bootstrap, new LineSource(in));
                }
            } else {
                send(
                        options,
                        bootstrap,
                        options.stdin() ? new LineSource(stdin) : new EventGenerator(options.events()));
            }
        } catch (IOException e) {
            throw new StackException("cannot read " + input + ": " + oneLine(e));
        } catch (UncheckedIOException e) {
            throw new StackException("cannot read " + input + ": " + oneLine(e.getCause()));
        }
    }

    private void send(GenerateOptions options, String bootstrap, Iterator<Message> source) {
        Producer<byte[], byte[]> producer;
        try {
            producer = producers.apply(bootstrap);
        } catch (KafkaException e) {
            throw new StackException("cannot create a Kafka producer for " + bootstrap + ": " + oneLine(e)
                    + (e.getCause() == null ? "" : ": " + oneLine(e.getCause())));
        }
        if (options.reference() != null) {
            sendReferenceData(producer, options, bootstrap);
        }
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Callback callback = (metadata, e) -> {
            if (e == null) {
                acked.incrementAndGet();
            } else {
                failure.compareAndSet(null, e);
            }
        };
        long sent = 0;
        long bad = 0;
        long late = 0;
        long start = System.nanoTime();
        long nextProgress = start + PROGRESS_INTERVAL_NANOS;
        try {
            // The limit is checked before asking the source, so stdin is never read past it.
            while (sent < options.limit() && failure.get() == null && !stopRequested && source.hasNext()) {
                if (options.rate() > 0) {
                    awaitTurn(start, sent, options.rate());
                }
                Message message = source.next();
                producer.send(new ProducerRecord<>(options.topic(), message.key(), message.value()), callback);
                sent++;
                sentSoFar.set(sent);
                bad += message.bad() ? 1 : 0;
                late += message.late() ? 1 : 0;
                long now = System.nanoTime();
                if (now >= nextProgress && failure.get() == null) {
                    status.update(progress(sent, acked.get(), options, now - start));
                    nextProgress = now + PROGRESS_INTERVAL_NANOS;
                }
            }
            if (failure.get() == null) {
                producer.flush();
            }
        } catch (KafkaException e) {
            failure.compareAndSet(null, e);
        } finally {
            producer.close(CLOSE_TIMEOUT);
        }
        long elapsed = System.nanoTime() - start;
        if (failure.get() != null) {
            status.finish(progress(sent, acked.get(), options, elapsed));
            java.util.Optional<Throwable> refused = AuthFailures.kafka(failure.get());
            if (refused.isPresent()) {
                throw new StackException("sending to topic " + options.topic() + " failed: "
                        + AuthFailures.kafkaMessage(bootstrap, refused.get()));
            }
            throw new StackException(
                    "sending to topic " + options.topic() + " at " + bootstrap + " failed (" + acked.get() + " of "
                            + sent + " messages acknowledged): " + oneLine(failure.get())
                            + (failure.get() instanceof TimeoutException
                                    ? " (does the topic exist, and does Kafka answer there? ./stack status)"
                                    : ""));
        }
        double seconds = elapsed / 1e9;
        String what = options.events() != null
                ? String.format(Locale.ROOT, "%d events (%d bad, %d late)", sent, bad, late)
                : String.format(
                        Locale.ROOT, "%d events from %s", sent, options.file() != null ? options.file() : "stdin");
        status.finish(String.format(Locale.ROOT, "sent %s in %.1f s, %.0f events/s", what, seconds, sent / seconds));
    }

    /**
     * The events' catalog and directory, acknowledged before the first event is sent, so that a job
     * with {@code --enrichment} finds every version in force as soon as it has read them.
     */
    private void sendReferenceData(Producer<byte[], byte[]> producer, GenerateOptions options, String bootstrap) {
        List<ReferenceData.Record> records = ReferenceData.of(options.events(), options.eventTimeSpan());
        Map<Topic, Integer> perTopic = new TreeMap<>();
        try {
            // one at a time, each acknowledged: a few hundred records, and a refused login stops the first
            for (ReferenceData.Record record : records) {
                producer.send(new ProducerRecord<>(
                                options.reference().of(record.topic()), record.key(), record.value()))
                        .get(REFERENCE_ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                perTopic.merge(record.topic(), 1, Integer::sum);
            }
        } catch (java.util.concurrent.TimeoutException e) {
            producer.close(CLOSE_TIMEOUT);
            throw referenceFailure(options, bootstrap, e);
        } catch (ExecutionException e) {
            producer.close(CLOSE_TIMEOUT);
            throw referenceFailure(options, bootstrap, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            producer.close(CLOSE_TIMEOUT);
            throw new StackException("interrupted while sending the reference data");
        } catch (KafkaException e) {
            producer.close(CLOSE_TIMEOUT);
            throw referenceFailure(options, bootstrap, e);
        }
        status.finish(String.format(
                Locale.ROOT,
                "sent the reference data: %d records to %s, %d to %s",
                perTopic.getOrDefault(Topic.ITEM_CATALOG, 0),
                options.reference().itemCatalog(),
                perTopic.getOrDefault(Topic.STORE_DIRECTORY, 0),
                options.reference().storeDirectory()));
    }

    /** A refused login reads as for the events; anything else names both reference topics. */
    private static StackException referenceFailure(GenerateOptions options, String bootstrap, Throwable failure) {
        String topic = options.reference().itemCatalog();
        java.util.Optional<Throwable> refused = AuthFailures.kafka(failure);
        if (refused.isPresent()) {
            return new StackException(
                    "sending to topic " + topic + " failed: " + AuthFailures.kafkaMessage(bootstrap, refused.get()));
        }
        return new StackException("sending the reference data to " + bootstrap + " failed: " + oneLine(failure)
                + " (do the topics " + topic + " and " + options.reference().storeDirectory()
                + " exist? ./stack up creates them)");
    }

    /**
     * Sleeps until message number {@code sent} is due: a fixed schedule from the start, so pauses never accumulate into
     * drift.
     */
    private static void awaitTurn(long startNanos, long sent, double rate) {
        long due = startNanos + (long) (sent * 1e9 / rate);
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    private static String progress(long sent, long acked, GenerateOptions options, long elapsedNanos) {
        double seconds = elapsedNanos / 1e9;
        double perSecond = sent / Math.max(seconds, 1e-9);
        boolean bounded = options.limit() != Long.MAX_VALUE;
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "sent %,d", sent));
        if (bounded) {
            text.append(String.format(Locale.ROOT, "/%,d", options.limit()));
        }
        text.append(String.format(
                Locale.ROOT, " | acked %,d | %,.0f events/s | %.0f s elapsed", acked, perSecond, seconds));
        if (bounded && perSecond > 0) {
            text.append(String.format(Locale.ROOT, " | ETA %.0f s", (options.limit() - sent) / perSecond));
        }
        return text.toString();
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s+", " ").trim();
    }

    public static Producer<byte[], byte[]> kafkaProducer(String bootstrap) {
        // SASL when the environment (or a secured local stack) says so
        Properties props = Clients.kafkaSecurity();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "stack-generate");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // A CLI should fail in seconds, not minutes, when no broker answers or the topic does not exist.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
