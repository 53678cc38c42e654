package io.salespipeline.bench;

import java.util.Arrays;

/**
 * How far the views are behind the log, in time: for each Kafka partition, the newest sampled event
 * already visible, and the lag is how long ago the oldest of those was sent. This is consumer lag
 * as a reader of the views feels it, measured without Flink's metrics.
 */
final class Freshness {

    private final long[] newestVisibleSent;

    /** @param startNanos partitions with nothing visible yet count as behind since this moment */
    Freshness(int partitions, long startNanos) {
        this.newestVisibleSent = new long[partitions];
        Arrays.fill(newestVisibleSent, startNanos);
    }

    synchronized void visible(int partition, long sentNanos) {
        newestVisibleSent[partition] = Math.max(newestVisibleSent[partition], sentNanos);
    }

    synchronized long lagNanos(long nowNanos) {
        long oldest = Arrays.stream(newestVisibleSent).min().orElse(nowNanos);
        return Math.max(0, nowNanos - oldest);
    }
}
