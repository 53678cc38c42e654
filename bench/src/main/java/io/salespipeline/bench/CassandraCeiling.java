package io.salespipeline.bench;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.salespipeline.contract.SaleField;
import io.salespipeline.contract.ViewRetention;
import io.salespipeline.contract.ViewSchema;
import io.salespipeline.contract.ViewStatements;
import io.salespipeline.stack.Progress;
import io.salespipeline.stack.StackException;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
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
 * Step 3: the best a plain async driver-4 client does writing the rows the job writes for each event
 * (views 1 and 2: {@code item_sales} and {@code sales_by_store_day}), with the job's own upserts,
 * write timestamps and consistency, built from events of the preloaded log, and written the way the
 * job's sinks write them: each view's rows in log order, {@link #BUFFER_ROWS} at a time (a sink's
 * {@code cassandra.max-buffered-rows}), only the newest of rows with the same primary key, grouped
 * by partition into single-partition unlogged batches of at most {@link #BATCH_ROWS} rows. It times
 * that at the job's own concurrency and at half of it and keeps the faster as the ceiling; one row
 * per request is timed beside it for reference. It writes for a warm-up first: a freshly started
 * node is about three times slower in its first 20 s (JIT).
 */
final class CassandraCeiling {

    /** One way of writing the sample: its events, the rows the job would have to write for them, and what was sent. */
    record Way(String name, long events, long rowsSent, long requests, double seconds, int inFlight) {
        @JsonProperty
        double eventsPerSecond() {
            return events / seconds;
        }

        /** The job's rows for these events per second (two per event, before de-duplication). */
        @JsonProperty
        double rowsPerSecond() {
            return eventsPerSecond() * ROWS_PER_EVENT;
        }
    }

    /** The ceiling is the faster batched way; {@code perRow} is the one-request-per-row reference. */
    record Result(List<Way> batched, Way perRow, int warmupSeconds, long warmupRequests) {
        @JsonProperty
        Way ceiling() {
            return batched.stream()
                    .max(Comparator.comparingDouble(Way::eventsPerSecond))
                    .orElseThrow();
        }

        @JsonProperty
        double eventsPerSecond() {
            return ceiling().eventsPerSecond();
        }
    }

    static final int ROWS_PER_EVENT = 2;
    /**
     * The job's defaults: {@code cassandra.max-buffered-rows}, {@code cassandra.batch-rows}, {@code
     * cassandra.max-concurrent-requests}.
     */
    static final int BUFFER_ROWS = 5000;

    static final int BATCH_ROWS = 25;
    static final int JOB_REQUESTS_PER_SINK = 64;
    /** One row per request peaks at 128-256 in flight on this node (see STACK_NOTES). */
    static final int PER_ROW_IN_FLIGHT = 256;

    /** The bind values of one event's two rows, in the job's column order. */
    private record Event(
            String storeId,
            LocalDate day,
            Instant timestamp,
            String eventId,
            String logPosition,
            String itemId,
            String itemName,
            int sold,
            long writeMicros) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BenchEnv env;
    private final PrintStream err;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicReference<Throwable> firstError = new AtomicReference<>();
    private PreparedStatement itemSales;
    private PreparedStatement storeDay;

    CassandraCeiling(BenchEnv env, PrintStream err) {
        this.env = env;
        this.err = err;
    }

    /**
     * @param parallelism the bench jobs': the job has two record-view sinks per subtask, each with its own requests in
     * flight
     */
    Result run(String topic, String keyspace, long sampleRows, int warmupSeconds, int parallelism) {
        int jobInFlight = JOB_REQUESTS_PER_SINK * ROWS_PER_EVENT * parallelism;
        List<Event> events = readEvents(topic, (sampleRows + ROWS_PER_EVENT - 1) / ROWS_PER_EVENT);
        // the job's statements (ViewRows in the job), so the ceiling writes exactly what the job writes
        itemSales = env.session.prepare(ViewStatements.itemSales(keyspace));
        storeDay = env.session.prepare(ViewStatements.salesByStoreDay(keyspace, ViewSchema.PLAIN));
        Requests batchedRequests = batched(events);
        Requests perRowRequests = perRow(events);
        Progress progress = new Progress(err);

        long warmupStart = System.nanoTime();
        long warmupEnd = warmupStart + TimeUnit.SECONDS.toNanos(warmupSeconds);
        long warmupRequests = 0;
        Semaphore warmupPermits = new Semaphore(jobInFlight);
        for (int i = 0;
                System.nanoTime() < warmupEnd;
                i = (i + 1) % batchedRequests.statements().size()) {
            send(batchedRequests.statements().get(i), warmupPermits);
            if (++warmupRequests % 5_000 == 0) {
                double seconds = (System.nanoTime() - warmupStart) / 1e9;
                progress.update(String.format(
                        Locale.ROOT,
                        "cassandra ceiling: warm-up %.0f / %d s | %,d requests | %,.0f requests/s",
                        seconds,
                        warmupSeconds,
                        warmupRequests,
                        warmupRequests / seconds));
            }
        }
        drain(warmupPermits, jobInFlight);
        progress.finish(String.format(
                Locale.ROOT,
                "cassandra ceiling: warm-up %d s, %,d requests",
                warmupSeconds,
                acknowledged.getAndSet(0)));

        List<Way> batchedWays = new ArrayList<>();
        for (int inFlight : new int[] {jobInFlight, 2 * jobInFlight}) {
            batchedWays.add(time("batched like the job", events.size(), batchedRequests, inFlight, progress));
        }
        Way perRowWay = time("one row per request", events.size(), perRowRequests, PER_ROW_IN_FLIGHT, progress);
        if (errors.get() > 0) {
            throw new StackException(
                    errors.get() + " writes failed in the Cassandra ceiling, e.g. " + firstError.get());
        }
        return new Result(batchedWays, perRowWay, warmupSeconds, warmupRequests);
    }

    /** Sends every request with at most {@code inFlight} unanswered, and times it until all are answered. */
    private Way time(String name, long eventCount, Requests requests, int inFlight, Progress progress) {
        Semaphore permits = new Semaphore(inFlight);
        acknowledged.set(0);
        long start = System.nanoTime();
        List<Statement<?>> statements = requests.statements();
        for (int i = 0; i < statements.size(); i++) {
            send(statements.get(i), permits);
            if (i % 5_000 == 0) {
                double seconds = (System.nanoTime() - start) / 1e9;
                progress.update(String.format(
                        Locale.ROOT,
                        "cassandra ceiling, %s, %d in flight: %,d / %,d requests | %,.0f events/s | %.1f s",
                        name,
                        inFlight,
                        i,
                        statements.size(),
                        eventCount * ((double) i / statements.size()) / Math.max(seconds, 1e-9),
                        seconds));
            }
        }
        drain(permits, inFlight);
        double seconds = (System.nanoTime() - start) / 1e9;
        Way way = new Way(name, eventCount, requests.rows(), acknowledged.get(), seconds, inFlight);
        progress.finish(String.format(
                Locale.ROOT,
                "cassandra ceiling, %s, %d in flight: %,d events (%,d rows sent in %,d requests) in %.1f s | "
                        + "%,.0f events/s = %,.0f rows/s",
                name,
                inFlight,
                eventCount,
                requests.rows(),
                way.requests(),
                seconds,
                way.eventsPerSecond(),
                way.rowsPerSecond()));
        return way;
    }

    /** What a way sends: its requests (rows or batches) and the rows in them. */
    private record Requests(List<Statement<?>> statements, long rows) {}

    private Requests perRow(List<Event> events) {
        List<Statement<?>> statements = new ArrayList<>(events.size() * ROWS_PER_EVENT);
        for (Event e : events) {
            statements.add(itemSalesRow(e));
            statements.add(storeDayRow(e));
        }
        return new Requests(statements, statements.size());
    }

    /**
     * Each view's requests as its sink would send them: per buffer of {@link #BUFFER_ROWS} rows in log
     * order, the newest row of each primary key, one batch per partition of at most {@link #BATCH_ROWS}
     * rows ({@code item_sales} is keyed by item alone, so its batches are single rows).
     */
    private Requests batched(List<Event> events) {
        List<Statement<?>> statements = new ArrayList<>();
        long rows = 0;
        for (int from = 0; from < events.size(); from += BUFFER_ROWS) {
            List<Event> buffer = events.subList(from, Math.min(events.size(), from + BUFFER_ROWS));
            Map<String, Event> newestPerItem = new LinkedHashMap<>();
            for (Event e : buffer) {
                newestPerItem.merge(
                        e.itemId(), e, (held, next) -> next.writeMicros() >= held.writeMicros() ? next : held);
            }
            for (Event e : newestPerItem.values()) {
                statements.add(itemSalesRow(e));
            }
            Map<List<Object>, List<BatchableStatement<?>>> byPartition = new LinkedHashMap<>();
            for (Event e : buffer) {
                byPartition
                        .computeIfAbsent(List.of(e.storeId(), e.day()), k -> new ArrayList<>())
                        .add(storeDayRow(e));
            }
            for (List<BatchableStatement<?>> partition : byPartition.values()) {
                for (int i = 0; i < partition.size(); i += BATCH_ROWS) {
                    List<BatchableStatement<?>> batch =
                            partition.subList(i, Math.min(partition.size(), i + BATCH_ROWS));
                    statements.add(
                            batch.size() == 1
                                    ? batch.get(0)
                                    : BatchStatement.newInstance(DefaultBatchType.UNLOGGED, batch));
                }
            }
            rows += newestPerItem.size() + buffer.size();
        }
        return new Requests(statements, rows);
    }

    private BoundStatement itemSalesRow(Event e) {
        return itemSales.bind(
                e.itemId,
                e.logPosition,
                e.storeId,
                e.timestamp,
                e.day,
                e.itemName,
                e.sold,
                ViewRetention.NO_TTL,
                e.writeMicros);
    }

    private BoundStatement storeDayRow(Event e) {
        return storeDay.bind(
                e.storeId,
                e.day,
                e.timestamp,
                e.eventId,
                e.itemId,
                e.itemName,
                e.sold,
                ViewRetention.NO_TTL,
                e.writeMicros);
    }

    private void send(Statement<?> statement, Semaphore permits) {
        permits.acquireUninterruptibly();
        env.session
                .executeAsync(statement.setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))
                .whenComplete((result, error) -> {
                    // counted before the permit goes back, so a drained loader has counted every answer
                    if (error == null) {
                        acknowledged.incrementAndGet();
                    } else {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, error);
                    }
                    permits.release();
                });
    }

    /** Waits until every request sent has been answered. */
    private static void drain(Semaphore permits, int inFlight) {
        permits.acquireUninterruptibly(inFlight);
        permits.release(inFlight);
    }

    /**
     * The first {@code count} well-formed events of the log (or all of them, if it has fewer), as the job would parse
     * them.
     */
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
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    end.keySet().stream().map(p -> new TopicPartition(topic, p)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long read = 0;
            while (read < wanted) {
                var records = consumer.poll(java.time.Duration.ofSeconds(5));
                if (records.isEmpty()) {
                    throw new StackException("the Cassandra ceiling could read only " + read + " of " + wanted
                            + " events from " + topic);
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
            long timestampMs = json.path(SaleField.TIMESTAMP_MS.key()).asLong();
            return java.util.Optional.of(new Event(
                    json.path(SaleField.STORE_ID.key()).asText(),
                    Instant.ofEpochMilli(timestampMs).atZone(ZoneOffset.UTC).toLocalDate(),
                    Instant.ofEpochMilli(timestampMs),
                    record.partition() + "-" + record.offset(),
                    // the job's item_sales tie-break and write timestamp (ViewRows in the job)
                    ViewStatements.logPosition(record.partition(), record.offset()),
                    json.path(SaleField.ITEM_ID.key()).asText(),
                    json.path(SaleField.ITEM_NAME.key()).asText(),
                    json.path(SaleField.ITEM_SOLD.key()).asInt(),
                    timestampMs * 1000));
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }
}
