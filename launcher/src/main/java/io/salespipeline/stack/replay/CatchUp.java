package io.salespipeline.stack.replay;

import io.salespipeline.stack.Pause;
import io.salespipeline.stack.Progress;
import io.salespipeline.stack.StackException;
import io.salespipeline.stack.clients.FlinkRest;
import io.salespipeline.stack.clients.LogPositions;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Follows a reprocessing job through the log until it has caught up, on one live progress line. */
final class CatchUp {

    record Result(long eventsDone, long eventsTotal) {}

    private static final long TICK_MS = 1_000;
    /** Weight of the newest second in the rate shown, smoothing the source's bursty reads. */
    private static final double RATE_SMOOTHING = 0.3;

    private final FlinkRest flink;
    private final LogPositions log;
    private final String topic;
    private final PrintStream err;

    CatchUp(FlinkRest flink, LogPositions log, String topic, PrintStream err) {
        this.flink = flink;
        this.log = log;
        this.topic = topic;
        this.err = err;
    }

    /**
     * Returns once the job's total lag is at most {@code maxLag}; fails if the job stops running or
     * makes no progress for {@code stallTimeout}.
     */
    Result await(String jobId, long maxLag, Duration stallTimeout) {
        Map<Integer, Long> start = log.startOffsets(topic);
        Progress progress = new Progress(err);
        long begin = System.nanoTime();
        long previousDone = 0;
        long previousTick = begin;
        long lastAdvance = begin;
        double rate = 0;
        while (true) {
            FlinkRest.Job job = flink.job(jobId)
                    .orElseThrow(() -> new StackException("job " + jobId + " disappeared from the cluster"));
            if (!job.isRunning()) {
                progress.finish("");
                throw new StackException("the reprocessing job " + jobId + " is " + job.state() + " (see "
                        + flink.base() + "/#/job/completed/" + jobId + "/exceptions)");
            }
            Map<Integer, Long> end = log.endOffsets(topic);
            Map<Integer, Long> position = flink.sourcePositions(jobId, topic);
            Map<Integer, Long> lags = new TreeMap<>();
            long done = 0;
            long total = 0;
            for (Map.Entry<Integer, Long> e : end.entrySet()) {
                long first = start.getOrDefault(e.getKey(), 0L);
                long at = Math.min(e.getValue(), Math.max(first, position.getOrDefault(e.getKey(), first)));
                lags.put(e.getKey(), e.getValue() - at);
                done += at - first;
                total += e.getValue() - first;
            }
            long lag = total - done;
            long now = System.nanoTime();
            double seconds = (now - previousTick) / 1e9;
            if (seconds > 0 && previousTick != begin) {
                rate = RATE_SMOOTHING * ((done - previousDone) / seconds) + (1 - RATE_SMOOTHING) * rate;
            }
            if (done > previousDone) {
                lastAdvance = now;
            }
            String line = String.format(
                    Locale.ROOT,
                    "catch-up: %,d / %,d events (%.1f%%) | %,.0f events/s | lag %,d (%s) | ETA %s | %s",
                    done,
                    total,
                    total == 0 ? 100.0 : 100.0 * done / total,
                    rate,
                    lag,
                    Progress.perPartition(lags),
                    rate > 1 ? Progress.human(Duration.ofSeconds((long) (lag / rate))) : "-",
                    Progress.human(Duration.ofNanos(now - begin)));
            if (lag <= maxLag) {
                progress.finish(line);
                return new Result(done, total);
            }
            if (Duration.ofNanos(now - lastAdvance).compareTo(stallTimeout) > 0) {
                progress.finish(line);
                throw new StackException(String.format(
                        Locale.ROOT,
                        "catch-up stalled: no progress for %d s at %,d / %,d events (job %s is %s)",
                        stallTimeout.toSeconds(),
                        done,
                        total,
                        jobId,
                        job.state()));
            }
            progress.update(line);
            previousDone = done;
            previousTick = now;
            Pause.millis(TICK_MS);
        }
    }
}
