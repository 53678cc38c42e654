package io.salespipeline.job.sinks;

import com.datastax.driver.core.BatchStatement;
import com.datastax.driver.core.ResultSetFuture;
import com.datastax.driver.core.Statement;
import com.datastax.driver.core.policies.RetryPolicy;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.java.tuple.Tuple;

/**
 * Writes a view's rows as prepared, idempotent upserts, grouped into single-partition unlogged
 * batches (see {@link PartitionBatches}), with a bounded number of requests in flight.
 *
 * <p>At-least-once: on every checkpoint the writer sends what it holds and waits for every request,
 * so a completed checkpoint means the rows are in Cassandra; after a restore the replayed rows
 * upsert the same values with the same timestamps. Rows wait at most {@code flushInterval} between
 * checkpoints. A request that still fails after the driver's retries (see
 * {@link BoundedWriteRetryPolicy}) fails the job, which restarts from its last checkpoint and writes
 * again: an error never loses a row. While all request slots are taken the writer blocks, which
 * Flink sees as backpressure.
 */
final class BatchingCassandraSink<ROW extends Tuple> implements Sink<ROW> {

    private static final long serialVersionUID = 1L;

    /**
     * How many requests may be in flight, how rows are grouped, how long they may wait, and how often a write is
     * retried.
     */
    record Settings(
            int maxConcurrentRequests,
            int maxBatchRows,
            int maxBufferedRows,
            Duration flushInterval,
            Duration permitTimeout,
            int writeRetries)
            implements Serializable {}

    private final SalesClusterBuilder clusterBuilder;
    private final String query;
    private final String view;
    private final int[] partitionKey;
    private final int[] primaryKey;
    private final Settings settings;

    BatchingCassandraSink(
            SalesClusterBuilder clusterBuilder,
            String query,
            String view,
            int[] partitionKey,
            int[] primaryKey,
            Settings settings) {
        this.clusterBuilder = clusterBuilder;
        this.query = query;
        this.view = view;
        this.partitionKey = partitionKey.clone();
        this.primaryKey = primaryKey.clone();
        this.settings = settings;
    }

    @Override
    @SuppressWarnings("deprecation") // the InitContext overload is the one Sink still declares abstract in 1.20
    public SinkWriter<ROW> createWriter(InitContext context) {
        return new Writer<>(this, context.getProcessingTimeService());
    }

    private static final class Writer<ROW extends Tuple> implements SinkWriter<ROW> {

        private final String view;
        private final Settings settings;
        private final SharedSessions.Lease connection;
        private final RetryPolicy retries;
        private final RowBinder binder;
        private final PartitionBatches<ROW> batches;
        private final ProcessingTimeService time;
        private final Semaphore requests;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private boolean flushScheduled;

        Writer(BatchingCassandraSink<ROW> sink, ProcessingTimeService time) {
            this.view = sink.view;
            this.settings = sink.settings;
            this.time = time;
            this.batches = new PartitionBatches<>(sink.partitionKey, sink.primaryKey, settings.maxBatchRows());
            this.requests = new Semaphore(settings.maxConcurrentRequests());
            this.connection = SharedSessions.acquire(sink.clusterBuilder);
            this.retries = new BoundedWriteRetryPolicy(settings.writeRetries(), view);
            try {
                this.binder = new RowBinder(
                        connection.prepare(sink.query),
                        connection.cluster().getConfiguration().getCodecRegistry());
            } catch (RuntimeException e) {
                connection.close();
                throw e;
            }
        }

        @Override
        public void write(ROW row, Context context) throws IOException {
            rethrowFailure();
            batches.add(row, this::send);
            if (batches.pendingRows() >= settings.maxBufferedRows()) {
                batches.drain(this::send);
            } else if (!flushScheduled && batches.pendingRows() > 0) {
                flushScheduled = true;
                time.registerTimer(
                        time.getCurrentProcessingTime()
                                + settings.flushInterval().toMillis(),
                        now -> {
                            flushScheduled = false;
                            batches.drain(this::send);
                        });
            }
        }

        /** Before every checkpoint barrier and at the end of input: everything held is written. */
        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            batches.drain(this::send);
            int all = settings.maxConcurrentRequests();
            if (!requests.tryAcquire(all, settings.permitTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("writing view " + view + " to Cassandra: requests still unanswered after "
                        + settings.permitTimeout());
            }
            requests.release(all);
            rethrowFailure();
        }

        private void send(List<ROW> rows) {
            try {
                if (!requests.tryAcquire(settings.permitTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("writing view " + view
                            + " to Cassandra: no request slot free after " + settings.permitTimeout());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("writing view " + view + " interrupted", e);
            }
            Statement statement;
            if (rows.size() == 1) {
                statement = binder.bind(rows.get(0));
            } else {
                BatchStatement batch = new BatchStatement(BatchStatement.Type.UNLOGGED);
                rows.forEach(row -> batch.add(binder.bind(row)));
                statement = batch.setIdempotent(true);
            }
            ResultSetFuture answer = connection.session().executeAsync(statement.setRetryPolicy(retries));
            answer.addListener(
                    () -> {
                        try {
                            answer.getUninterruptibly();
                        } catch (RuntimeException e) {
                            WriteFailures.errors(view).incrementAndGet();
                            failure.compareAndSet(null, e);
                        } finally {
                            requests.release();
                        }
                    },
                    Runnable::run);
        }

        private void rethrowFailure() throws IOException {
            Throwable error = failure.get();
            if (error != null) {
                throw new IOException(
                        "writing view " + view + " to Cassandra failed after retries: " + error.getMessage(), error);
            }
        }

        @Override
        public void close() {
            connection.close();
        }
    }
}
