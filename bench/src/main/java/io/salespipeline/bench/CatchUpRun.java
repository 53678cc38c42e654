package io.salespipeline.bench;

import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.salespipeline.contract.JobSetting;
import io.salespipeline.contract.Metrics;
import io.salespipeline.stack.Pause;
import io.salespipeline.stack.Progress;
import io.salespipeline.stack.StackException;
import io.salespipeline.stack.clients.FlinkRest;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Steps 4 and 5: the job for a fresh keyspace reads the whole log from offset 0. The run counts as
 * done when the source has read every event and a checkpoint triggered after that has completed:
 * the Cassandra sink flushes every pending write on a checkpoint, and a checkpoint barrier travels
 * behind the last events and the watermark that closes their windows, so by then every row and
 * every final window the log can produce is in Cassandra.
 */
final class CatchUpRun {

    /**
     * @param secondsToLogEnd from RUNNING until the source was seen at the end of the log
     * @param seconds from RUNNING until the flushing checkpoint completed
     * @param flinkPeakRate the highest reading of the source's numRecordsOutPerSecond (Flink's 60 s moving average)
     * @param storeWindows rows of store_sales_per_minute, of which {@code finalStoreWindows} are final
     * @param cpuSeconds CPU time each process of the stack spent from RUNNING until the flushing
     *     checkpoint (the bench itself not included): where a difference between two runs went
     */
    record Result(
            boolean recordViews,
            long events,
            double secondsToRunning,
            double secondsToLogEnd,
            double seconds,
            long parsed,
            long rejected,
            long restarts,
            double flinkPeakRate,
            long storeWindows,
            long finalStoreWindows,
            Map<String, Double> cpuSeconds,
            List<Sample> series) {
        @JsonProperty
        double eventsPerSecond() {
            return events / seconds;
        }

        @JsonProperty
        double eventsPerSecondToLogEnd() {
            return events / secondsToLogEnd;
        }
    }

    private static final long TICK_MS = 1_000;
    /**
     * Throughput is taken over this many readings (seconds): Flink refreshes metrics in REST every
     * 2 s, and later when busy, so a shorter window shows refreshes rather than throughput.
     */
    private static final int RATE_WINDOW = 5;

    private static final long STALL_MS = 120_000;
    private static final long CHECKPOINT_TIMEOUT_MS = 180_000;

    private final BenchEnv env;
    private final PrintStream err;

    CatchUpRun(BenchEnv env, PrintStream err) {
        this.env = env;
        this.err = err;
    }

    Result run(String label, String topic, String keyspace, boolean recordViews) {
        env.createKeyspace(keyspace);
        DirtyPages.flush(label, err);
        Map<Integer, Long> start = env.log.startOffsets(topic);
        Map<Integer, Long> end = env.log.endOffsets(topic);
        long total = end.entrySet().stream()
                .mapToLong(e -> e.getValue() - start.getOrDefault(e.getKey(), 0L))
                .sum();
        PipelineJob job = env.startJob(
                topic,
                keyspace,
                recordViews
                        ? List.of()
                        : new JobSetting.Arguments()
                                .set(JobSetting.VIEWS_RECORDS, false)
                                .toList());
        long runningAt = job.runningAt();
        Map<String, ProcessHandle> processes = env.stackProcesses.get();
        Map<String, Duration> cpuAtRunning = cpuTimes(processes);
        Progress progress = new Progress(err);
        List<Sample> series = new ArrayList<>();
        List<long[]> readings = new ArrayList<>();
        double flinkPeakRate = 0;
        long logEndAt = 0;
        long lastAdvanceAt = runningAt;
        long previousDone = -1;
        boolean reported = false;
        while (true) {
            long now = System.currentTimeMillis();
            FlinkRest.Tasks tasks = job.tasks();
            if (tasks.ended()) {
                progress.finish("");
                throw new StackException(label + ": job " + job.id + " ended as " + tasks.state() + " (see "
                        + env.flink.base() + "/#/job/completed/" + job.id + "/exceptions)");
            }
            Map<Integer, Long> positions = job.positions(topic);
            reported |= !positions.isEmpty();
            long done = done(positions, start, end);
            readings.add(new long[] {now, done});
            long[] earlier = readings.get(Math.max(0, readings.size() - 1 - RATE_WINDOW));
            // a restart from a checkpoint moves positions back: show no throughput rather than a negative one
            double rate = now > earlier[0] ? Math.max(0, (done - earlier[1]) * 1000.0 / (now - earlier[0])) : 0;
            series.add(new Sample((now - runningAt) / 1000.0, rate, total - done));
            flinkPeakRate = Math.max(flinkPeakRate, job.sourceRate().orElse(0.0));
            if (done != previousDone) {
                lastAdvanceAt = now;
                previousDone = done;
            }
            String line = String.format(
                    Locale.ROOT,
                    "%s: %,d / %,d events (%.1f%%) | %,.0f events/s | lag %,d | %.0f s",
                    label,
                    done,
                    total,
                    total == 0 ? 100.0 : 100.0 * done / total,
                    rate,
                    total - done,
                    (now - runningAt) / 1000.0);
            if (done >= total && logEndAt == 0) {
                logEndAt = now;
                triggerCheckpoint(job);
            }
            if (logEndAt > 0) {
                PipelineJob.Checkpoint checkpoint = job.lastCheckpoint().orElse(null);
                if (checkpoint != null && checkpoint.triggeredAt() >= logEndAt) {
                    progress.finish(line
                            + String.format(
                                    Locale.ROOT,
                                    " | flushed by checkpoint %d at %.1f s",
                                    checkpoint.id(),
                                    (checkpoint.completedAt() - runningAt) / 1000.0));
                    Map<String, Double> cpuSeconds = cpuSpent(cpuAtRunning, cpuTimes(processes));
                    Result result = finish(
                            job,
                            keyspace,
                            recordViews,
                            total,
                            runningAt,
                            logEndAt,
                            checkpoint.completedAt(),
                            flinkPeakRate,
                            cpuSeconds,
                            series);
                    env.stop(job);
                    // the next replay (step 8 runs two) should not share the CPU with compacting this one's rows
                    env.releaseKeyspaces();
                    return result;
                }
                if (now - logEndAt > CHECKPOINT_TIMEOUT_MS) {
                    progress.finish(line);
                    throw new StackException(label + ": no checkpoint completed within " + CHECKPOINT_TIMEOUT_MS / 1000
                            + " s after the source read the whole log");
                }
                line += " | waiting for a checkpoint to flush the views";
            } else if (now - lastAdvanceAt > STALL_MS) {
                progress.finish(line);
                throw new StackException(
                        reported
                                ? String.format(
                                        Locale.ROOT,
                                        "%s stalled: no progress for %d s at %,d / %,d events (job %s, %d of "
                                                + "%d tasks running)",
                                        label,
                                        STALL_MS / 1000,
                                        done,
                                        total,
                                        job.id,
                                        tasks.running(),
                                        tasks.total())
                                // seen after a TaskManager was lost: the JobManager's metric fetcher waits for it until
                                // web.timeout
                                : String.format(
                                        Locale.ROOT,
                                        "%s: Flink reported no source offsets of job %s for %d s; after a "
                                                + "TaskManager is lost, Flink's REST "
                                                + "metrics stay frozen up to web.timeout (flink-conf/: 1 min; "
                                                + "Flink default 10 min): run the bench again later",
                                        label,
                                        job.id,
                                        STALL_MS / 1000));
            }
            progress.update(line);
            Pause.millis(Math.max(0, TICK_MS - (System.currentTimeMillis() - now)));
        }
    }

    /**
     * Flushes now rather than at the next checkpoint interval (up to 10 s later), which would
     * measure the timer, not the pipeline. If the cluster refuses, the periodic checkpoint does it.
     */
    private void triggerCheckpoint(PipelineJob job) {
        try {
            env.flink.triggerCheckpoint(job.id);
        } catch (StackException e) {
            err.println("bench: could not trigger a checkpoint (" + e.getMessage() + "); waiting for the periodic one");
        }
    }

    /**
     * Events the source has read, from the positions it reports (partitions it has not reported yet count as unread).
     */
    static long done(Map<Integer, Long> positions, Map<Integer, Long> start, Map<Integer, Long> end) {
        long done = 0;
        for (Map.Entry<Integer, Long> e : end.entrySet()) {
            long first = start.getOrDefault(e.getKey(), 0L);
            long at = Math.min(e.getValue(), Math.max(first, positions.getOrDefault(e.getKey(), first)));
            done += at - first;
        }
        return done;
    }

    /** Where the system does not report a process's CPU time, that process is left out. */
    static Map<String, Duration> cpuTimes(Map<String, ProcessHandle> processes) {
        Map<String, Duration> times = new TreeMap<>();
        processes.forEach((name, process) -> process.info().totalCpuDuration().ifPresent(cpu -> times.put(name, cpu)));
        return times;
    }

    /**
     * Seconds spent between two readings of the same process handles, by process; one that has
     * ended since (killed, restarted under a new pid) has no second reading and is left out.
     */
    static Map<String, Double> cpuSpent(Map<String, Duration> before, Map<String, Duration> after) {
        Map<String, Double> spent = new TreeMap<>();
        after.forEach((name, cpu) -> {
            Duration earlier = before.get(name);
            if (earlier != null) {
                spent.put(name, Math.round(cpu.minus(earlier).toMillis() / 100.0) / 10.0);
            }
        });
        return spent;
    }

    private Result finish(
            PipelineJob job,
            String keyspace,
            boolean recordViews,
            long total,
            long runningAt,
            long logEndAt,
            long flushedAt,
            double flinkPeakRate,
            Map<String, Double> cpuSeconds,
            List<Sample> series) {
        long windows = 0;
        long finals = 0;
        for (Row row : env.session.execute("SELECT final FROM " + keyspace + ".store_sales_per_minute")) {
            windows++;
            finals += row.getBoolean("final") ? 1 : 0;
        }
        return new Result(
                recordViews,
                total,
                (runningAt - job.submittedAt) / 1000.0,
                (logEndAt - runningAt) / 1000.0,
                (flushedAt - runningAt) / 1000.0,
                job.counter(Metrics.inGroup(Metrics.PARSE_GROUP, Metrics.PARSED)),
                job.counter(Metrics.inGroup(Metrics.PARSE_GROUP, Metrics.REJECTED)),
                job.restarts(),
                flinkPeakRate,
                windows,
                finals,
                cpuSeconds,
                series);
    }
}
