package io.salespipeline.e2e.drills;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads every window row and ranking of a view keyspace over and over while a drill runs, as a
 * dashboard would, and records each row that was read {@code final = true} once and
 * {@code final = false} later: a final result must stay final through failures and restores.
 */
final class FinalityWatch implements AutoCloseable {

    /** Each aggregate table and the columns of its primary key. */
    private static final Map<String, String> TABLES = Map.of(
            "store_sales_per_minute", "store_id, window_date, window_start",
            "item_sales_per_hour", "item_name, window_date, window_start",
            "top_items_per_store_hour", "store_id, window_date, window_start, rank");

    private final InetSocketAddress cassandra;
    private final String keyspace;
    private final Set<String> seenFinal = new HashSet<>();
    private final List<String> regressions = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private int polls;

    FinalityWatch(InetSocketAddress cassandra, String keyspace) {
        this.cassandra = cassandra;
        this.keyspace = keyspace;
        this.thread = new Thread(this::watch, "finality-watch");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void watch() {
        while (running.get()) {
            // a fresh session when the last one lost Cassandra (a drill stops it)
            try (CqlSession session = CqlSession.builder()
                    .addContactPoint(cassandra)
                    .withLocalDatacenter("datacenter1")
                    .build()) {
                while (running.get()) {
                    poll(session);
                    Thread.sleep(300);
                }
            } catch (DriverException e) {
                pause();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void poll(CqlSession session) {
        for (Map.Entry<String, String> table : TABLES.entrySet()) {
            List<Row> rows = session.execute(SimpleStatement.newInstance(
                                    "SELECT " + table.getValue() + ", final FROM " + keyspace + "." + table.getKey())
                            .setTimeout(Duration.ofSeconds(10)))
                    .all();
            synchronized (this) {
                for (Row row : rows) {
                    StringBuilder key = new StringBuilder(table.getKey());
                    for (int i = 0; i < row.getColumnDefinitions().size() - 1; i++) {
                        key.append(' ').append(row.getObject(i));
                    }
                    boolean isFinal = row.getBoolean("final");
                    if (isFinal) {
                        seenFinal.add(key.toString());
                    } else if (seenFinal.contains(key.toString())) {
                        regressions.add(key + " read final, then not final");
                        seenFinal.remove(key.toString());
                    }
                }
                polls++;
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
    }

    synchronized List<String> regressions() {
        return new ArrayList<>(regressions);
    }

    synchronized int finalRowsSeen() {
        return seenFinal.size();
    }

    synchronized int polls() {
        return polls;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.interrupt();
        thread.join(20_000);
    }
}
