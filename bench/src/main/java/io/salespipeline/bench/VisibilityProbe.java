package io.salespipeline.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.salespipeline.stack.Pause;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Watches sampled events until a reader can see them in {@code sales_by_store_day}, looking each up
 * by its full primary key ({@code event_id} is its log position). What a user sees is measured,
 * not what Flink reports: Flink's REST metrics stop updating for minutes after a TaskManager is
 * lost (the JobManager's metric fetcher waits for the dead one until {@code web.timeout}).
 */
final class VisibilityProbe implements AutoCloseable {

    interface Listener {
        void visible(RateLimitedProducer.Sent event, long visibleNanos);
    }

    /** First lookups this often; later ones at a twentieth of the event's age (readings are off by at most 5 %). */
    static final long MIN_POLL_MS = 20;

    private final CqlSession session;
    private final PreparedStatement select;
    private final Duration timeout;
    private final Listener listener;
    private final ScheduledExecutorService poller =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "bench-visibility-probe"));
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger invisible = new AtomicInteger();

    VisibilityProbe(CqlSession session, String keyspace, Duration timeout, Listener listener) {
        this.session = session;
        this.select = session.prepare("SELECT event_id FROM " + keyspace
                + ".sales_by_store_day WHERE store_id = ? AND timestamp_dt = ? AND timestamp_ms = ? AND event_id = ?");
        this.timeout = timeout;
        this.listener = listener;
    }

    /** Starts looking for the event; called from the producer's callback as soon as Kafka has it. */
    void watch(RateLimitedProducer.Sent event) {
        pending.incrementAndGet();
        poll(event, event.sentNanos() + timeout.toNanos());
    }

    /**
     * A slow pipeline must not also be buried under lookups, which would slow it further: the
     * interval grows with the event's age.
     */
    private void poll(RateLimitedProducer.Sent event, long deadline) {
        Instant timestamp = Instant.ofEpochMilli(event.timestampMs());
        session.executeAsync(select.bind(
                        event.storeId(), timestamp.atZone(ZoneOffset.UTC).toLocalDate(), timestamp, event.eventId()))
                .whenComplete((rows, error) -> {
                    long now = System.nanoTime();
                    if (error == null && rows.one() != null) {
                        listener.visible(event, now);
                        pending.decrementAndGet();
                    } else if (now > deadline) {
                        invisible.incrementAndGet();
                        pending.decrementAndGet();
                    } else if (!poller.isShutdown()) {
                        long delayMs = Math.max(MIN_POLL_MS, (now - event.sentNanos()) / 1_000_000 / 20);
                        poller.schedule(() -> poll(event, deadline), delayMs, TimeUnit.MILLISECONDS);
                    }
                });
    }

    int pending() {
        return pending.get();
    }

    /** Watched events not visible within the timeout. */
    int invisible() {
        return invisible.get();
    }

    /** Waits until every watched event was seen or timed out. */
    void drain() {
        long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.SECONDS.toNanos(5);
        while (pending.get() > 0 && System.nanoTime() < deadline) {
            Pause.millis(100);
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
