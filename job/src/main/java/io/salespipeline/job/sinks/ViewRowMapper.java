package io.salespipeline.job.sinks;

import io.salespipeline.contract.Metrics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.java.tuple.Tuple;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * Turns a record into the bind values of its view's prepared upsert, the last value being the
 * write timestamp ({@code USING TIMESTAMP ?}), and counts what it hands to the sink.
 */
abstract class ViewRowMapper<IN, ROW extends Tuple> extends RichMapFunction<IN, ROW> {

    private static final long serialVersionUID = 1L;

    private final String view;
    private transient Counter rows;
    private transient long lastEmissionMicros;

    ViewRowMapper(String view) {
        this.view = view;
    }

    @Override
    public void open(OpenContext openContext) {
        MetricGroup group = getRuntimeContext()
                .getMetricGroup()
                .addGroup(Metrics.VIEWS_GROUP)
                .addGroup(Metrics.VIEW_LABEL, view);
        rows = group.counter(Metrics.ROWS);
        group.gauge(Metrics.WRITE_RETRIES, (Gauge<Long>)
                () -> WriteFailures.retries(view).get());
        group.gauge(Metrics.WRITE_ERRORS, (Gauge<Long>)
                () -> WriteFailures.errors(view).get());
    }

    @Override
    public final ROW map(IN record) {
        rows.inc();
        return toRow(record);
    }

    abstract ROW toRow(IN record);

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
