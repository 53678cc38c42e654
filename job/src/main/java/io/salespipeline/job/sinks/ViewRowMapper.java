package io.salespipeline.job.sinks;

import io.salespipeline.contract.Metrics;
import io.salespipeline.contract.ViewRetention;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.java.tuple.Tuple;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.Collector;

/**
 * Turns a record into the bind values of its view's prepared upsert, the last two being the row's
 * TTL and its write timestamp ({@code USING TTL ? AND TIMESTAMP ?}), and counts what it hands to
 * the sink. A row whose retention, counted from its event time, has passed is not written but
 * counted ({@link Metrics#EXPIRED_ROWS}).
 */
abstract class ViewRowMapper<IN, ROW extends Tuple> extends RichFlatMapFunction<IN, ROW> {

    private static final long serialVersionUID = 1L;

    private final String view;
    /** Null: the view keeps its rows forever. */
    private final Duration retention;

    private transient Counter rows;
    private transient Counter expired;
    private transient long lastEmissionMicros;

    ViewRowMapper(String view, Duration retention) {
        this.view = view;
        this.retention = retention;
    }

    @Override
    public void open(OpenContext openContext) {
        MetricGroup group = getRuntimeContext()
                .getMetricGroup()
                .addGroup(Metrics.VIEWS_GROUP)
                .addGroup(Metrics.VIEW_LABEL, view);
        rows = group.counter(Metrics.ROWS);
        expired = group.counter(Metrics.EXPIRED_ROWS);
        group.gauge(Metrics.WRITE_RETRIES, (Gauge<Long>)
                () -> WriteFailures.retries(view).get());
        group.gauge(Metrics.WRITE_ERRORS, (Gauge<Long>)
                () -> WriteFailures.errors(view).get());
    }

    @Override
    public final void flatMap(IN record, Collector<ROW> out) {
        int ttlSeconds = ViewRetention.ttlSeconds(retainedFromMs(record), retention, System.currentTimeMillis());
        if (ttlSeconds == ViewRetention.EXPIRED) {
            expired.inc();
            return;
        }
        rows.inc();
        out.collect(toRow(record, ttlSeconds));
    }

    /** The row, its TTL ({@link ViewRetention#NO_TTL} for none) and its write timestamp last. */
    abstract ROW toRow(IN record, int ttlSeconds);

    /** The event time the row's retention counts from: a sale's time, a window's end. */
    abstract long retainedFromMs(IN record);

    /**
     * Event time in microseconds, for views where the newest event must win however late it
     * arrives. Sales of the same millisecond tie, and Cassandra then keeps the greater value: the
     * views whose rows can tie put what must win first in their value.
     */
    static long eventTimeMicros(long timestampMs) {
        return timestampMs * 1000;
    }

    /**
     * Strictly increasing per subtask, for aggregate rows that are rewritten as a window evolves:
     * the mapper is chained to the operator that emits them in order, while the sink writes
     * asynchronously, so without this an early row could overwrite the final one in flight.
     */
    long emissionMicros() {
        long now = System.currentTimeMillis() * 1000;
        lastEmissionMicros = Math.max(now, lastEmissionMicros + 1);
        return lastEmissionMicros;
    }

    /**
     * The write timestamp of an aggregate row: its emission order, with every final row above every
     * early one. After a restore a window is rebuilt from its checkpoint and replayed partials, and
     * its early rows are emitted again later than the final row written before the failure; in
     * Cassandra they then lose to it, so a row once final never reads as early again.
     */
    long aggregateMicros(boolean finalResult) {
        return emissionMicros() + (finalResult ? FINAL_ROW_MICROS : 0);
    }

    /** A thousand years of microseconds: far above any emission time, far below overflow. */
    static final long FINAL_ROW_MICROS = 1000L * 365 * 24 * 3600 * 1_000_000;
}
