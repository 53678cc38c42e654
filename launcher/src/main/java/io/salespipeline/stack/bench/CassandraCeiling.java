package io.salespipeline.stack.bench;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.salespipeline.stack.Progress;
import io.salespipeline.stack.StackException;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Step 3: how fast a plain async driver-4 loader writes the rows the job writes for each event
 * (views 1 and 2: {@code item_sales} and {@code sales_by_store_day}), with the job's own upserts,
 * write timestamps and consistency, built from events of the preloaded log. It writes for a
 * warm-up first: a freshly started node is about three times slower in its first 20 s (JIT).
 */
final class CassandraCeiling {

    record Result(long rows, double seconds, int warmupSeconds, long warmupRows, int inFlight, long errors) {
        @JsonProperty
        double rowsPerSecond() {
            return rows / seconds;
        }

        /** Each event is two rows (views 1 and 2); the aggregate views add a handful per window, not per event. */
        @JsonProperty
        double eventsPerSecond() {
            return rowsPerSecond() / ROWS_PER_EVENT;
        }
    }

    static final int ROWS_PER_EVENT = 2;
    /** In-flight writes: the range where the notes measured this node's best rate (128-256); the job allows 256 per sink subtask. */
    static final int IN_FLIGHT = 256;

    /** The bind values of one event's two rows, in the job's column order. */
    private record Event(String storeId, LocalDate day, Instant timestamp, String eventId, String itemId, String itemName, int sold, long writeMicros) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BenchEnv env;
    private final PrintStream err;
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicReference<Throwable> firstError = new AtomicReference<>();

    CassandraCeiling(BenchEnv env, PrintStream err) {
        this.env = env;
        this.err = err;
    }

    Result run(String topic, String keyspace, long sampleRows, int warmupSeconds) {
        List<Event> events = readEvents(topic, (sampleRows + ROWS_PER_EVENT - 1) / ROWS_PER_EVENT);
        // the job's statements (ViewRows in the job), so the ceiling writes exactly what the job writes
        PreparedStatement itemSales = env.session.prepare("INSERT INTO " + keyspace
                + ".item_sales (item_id, store_id, timestamp_ms, timestamp_dt, item_name, item_sold) VALUES (?, ?, ?, ?, ?, ?) USING TIMESTAMP ?");
        PreparedStatement storeDay = env.session.prepare("INSERT INTO " + keyspace
                + ".sales_by_store_day (store_id, timestamp_dt, timestamp_ms, event_id, item_id, item_name, item_sold) VALUES (?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?");
        Progress progress = new Progress(err);

        long warmupStart = System.nanoTime();
        long warmupEnd = warmupStart + TimeUnit.SECONDS.toNanos(warmupSeconds);
        long written = 0;
        for (int i = 0; System.nanoTime() < warmupEnd; i = (i + 1) % events.size()) {
            write(itemSales, storeDay, events.get(i));
            written += ROWS_PER_EVENT;
            if (written % 20_000 == 0) {
                double seconds = (System.nanoTime() - warmupStart) / 1e9;
                progress.update(String.format(Locale.ROOT, "cassandra ceiling: warm-up %.0f / %d s | %,d rows | %,.0f rows/s", seconds, warmupSeconds, written, written / seconds));
            }
        }
        drain();
        long warmupRows = acknowledged.getAndSet(0);

        long start = System.nanoTime();
        written = 0;
        for (int i = 0; written < sampleRows; i = (i + 1) % events.size()) {
            write(itemSales, storeDay, events.get(i));
            written += ROWS_PER_EVENT;
            if (written % 20_000 == 0) {
                double seconds = (System.nanoTime() - start) / 1e9;
                progress.update(String.format(Locale.ROOT, "cassandra ceiling: %,d / %,d rows | %,.0f rows/s | %.1f s", written, sampleRows, acknowledged.get() / seconds, seconds));
            }
        }
        drain();
        double seconds = (System.nanoTime() - start) / 1e9;
        long rows = acknowledged.get();
        progress.finish(String.format(Locale.ROOT, "cassandra ceiling: %,d rows in %.1f s | %,.0f rows/s (%d in flight, after %d s warm-up at %,.0f rows/s)",
                rows, seconds, rows / seconds, IN_FLIGHT, warmupSeconds, warmupRows / Math.max(warmupSeconds, 1e-9)));
        if (errors.get() > 0) {
            throw new StackException(errors.get() + " writes failed in the Cassandra ceiling, e.g. " + firstError.get());
        }
        return new Result(rows, seconds, warmupSeconds, warmupRows, IN_FLIGHT, errors.get());
    }

    private void write(PreparedStatement itemSales, PreparedStatement storeDay, Event e) {
        send(itemSales.bind(e.itemId, e.storeId, e.timestamp, e.day, e.itemName, e.sold, e.writeMicros));
        send(storeDay.bind(e.storeId, e.day, e.timestamp, e.eventId, e.itemId, e.itemName, e.sold, e.writeMicros));
    }

    private void send(BoundStatement statement) {
        inFlight.acquireUninterruptibly();
        env.session.executeAsync(statement.setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM)).whenComplete((result, error) -> {
            // counted before the permit goes back, so a drained loader has counted every answer
            if (error == null) {
                acknowledged.incrementAndGet();
            } else {
                errors.incrementAndGet();
                firstError.compareAndSet(null, error);
            }
            inFlight.release();
        });
    }

    /** Waits until every write sent has been answered. */
    private void drain() {
        inFlight.acquireUninterruptibly(IN_FLIGHT);
        inFlight.release(IN_FLIGHT);
    }

    /** The first {@code count} well-formed events of the log (or all of them, if it has fewer), as the job would parse them. */
    private List<Event> readEvents(String topic, long count) {
        Map<Integer, Long> end = env.log.endOffsets(topic);
        long available = end.values().stream().mapToLong(Long::longValue).sum();
        long wanted = Math.min(count, available);
        List<Event> events = new ArrayList<>();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, env.kafkaBootstrap);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, env.runId + "-cassandra-ceiling");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = end.keySet().stream().map(p -> new TopicPartition(topic, p)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long read = 0;
            while (read < wanted) {
                var records = consumer.poll(java.time.Duration.ofSeconds(5));
                if (records.isEmpty()) {
                    throw new StackException("the Cassandra ceiling could read only " + read + " of " + wanted + " events from " + topic);
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (read++ < wanted) {
                        parse(record).ifPresent(events::add);
                    }
                }
            }
        }
        if (events.isEmpty()) {
            throw new StackException("no well-formed events in " + topic + " to build rows from");
        }
        return events;
    }

    private static java.util.Optional<Event> parse(ConsumerRecord<byte[], byte[]> record) {
        try {
            JsonNode json = JSON.readTree(record.value());
            // numbers may come as JSON strings; asLong/asInt read both, as the job's parser accepts both
            long timestampMs = json.path("timestamp_ms").asLong();
            return java.util.Optional.of(new Event(json.path("store_id").asText(), Instant.ofEpochMilli(timestampMs).atZone(ZoneOffset.UTC).toLocalDate(),
                    Instant.ofEpochMilli(timestampMs), record.partition() + "-" + record.offset(), json.path("item_id").asText(),
                    json.path("item_name").asText(), json.path("item_sold").asInt(),
                    // the job's write timestamp: event time in µs, the offset in the sub-millisecond digits
                    timestampMs * 1000 + Math.floorMod(record.offset(), 1000)));
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }
}
