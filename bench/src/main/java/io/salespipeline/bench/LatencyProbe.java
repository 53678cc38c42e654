package io.salespipeline.bench;

import io.salespipeline.contract.Topic;
import io.salespipeline.stack.Pause;
import io.salespipeline.stack.Progress;
import io.salespipeline.stack.StackException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Step 6: at fixed rates, how long an event takes from being handed to Kafka until a reader sees
 * it in {@code sales_by_store_day}. Each rate first runs until the job keeps up with it, and for
 * at least {@link #MIN_WARMUP}, then for the timed seconds; a sample of the events (about 25 a
 * second, so the lookups do not load the node being measured) is timed.
 */
final class LatencyProbe {

    /**
     * @param warmupSeconds at the rate before timing started
     * @param keptUp whether the views had caught up with the rate when timing started (else it
     *     started after {@link #MAX_WARMUP} anyway, and the latencies include a growing backlog)
     * @param invisible sampled events not visible within {@link #VISIBILITY_TIMEOUT} (left out of the percentiles)
     */
    record Result(
            int rate,
            int seconds,
            long sent,
            int samples,
            int invisible,
            double p50,
            double p95,
            double p99,
            double max,
            double warmupSeconds,
            boolean keptUp) {}

    /**
     * Every submitted job loads its classes anew and the JIT compiles them again, which stalls a
     * fresh job for 1-3 s somewhere in its first half minute at 10,000 events/s, even once it has
     * kept up for a few seconds: two 30-s windows in a row on one job gave p99 1,390 then 701 ms and
     * 3,624 then 684 ms after a 5 s warm-up. The step measures the job as it runs, not its start.
     */
    static final Duration MIN_WARMUP = Duration.ofSeconds(30);

    static final Duration MAX_WARMUP = Duration.ofSeconds(90);
    /**
     * The views count as caught up when no partition's newest visible event is older than this, three seconds running.
     */
    static final Duration CAUGHT_UP = Duration.ofSeconds(2);

    private static final int SAMPLES_PER_SECOND = 25;
    private static final Duration VISIBILITY_TIMEOUT = Duration.ofSeconds(60);

    private final BenchEnv env;
    private final PrintStream err;

    LatencyProbe(BenchEnv env, PrintStream err) {
        this.env = env;
        this.err = err;
    }

    List<Result> run(String topic, String keyspace, int partitions, List<Integer> rates, int seconds) {
        env.createTopic(topic, partitions, Topic.ITEM_SALES);
        env.createKeyspace(keyspace);
        PipelineJob job = env.startJob(topic, keyspace, List.of());
        List<Result> results = new ArrayList<>();
        for (int rate : rates) {
            results.add(measure(topic, keyspace, partitions, rate, seconds));
        }
        env.stop(job);
        return results;
    }

    private Result measure(String topic, String keyspace, int partitions, int rate, int seconds) {
        Progress progress = new Progress(err);
        Queue<Double> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong timedFrom = new AtomicLong(Long.MAX_VALUE);
        long start = System.nanoTime();
        Freshness freshness = new Freshness(partitions, start);
        try (VisibilityProbe probe =
                new VisibilityProbe(env.session, keyspace, VISIBILITY_TIMEOUT, (event, visibleNanos) -> {
                    freshness.visible(event.metadata().partition(), event.sentNanos());
                    if (event.sentNanos() >= timedFrom.get()) {
                        latencies.add((visibleNanos - event.sentNanos()) / 1e6);
                    }
                })) {
            boolean keptUp;
            long sent;
            try (RateLimitedProducer load = new RateLimitedProducer(
                    env.kafkaBootstrap,
                    topic,
                    env.runId + "-latency-" + rate,
                    rate,
                    Math.max(1, rate / SAMPLES_PER_SECOND),
                    probe::watch)) {
                int freshSeconds = 0;
                while (true) {
                    Pause.millis(1_000);
                    load.check();
                    long now = System.nanoTime();
                    long lagMs = TimeUnit.NANOSECONDS.toMillis(freshness.lagNanos(now));
                    freshSeconds = lagMs <= CAUGHT_UP.toMillis() ? freshSeconds + 1 : 0;
                    boolean warm = now - start >= MIN_WARMUP.toNanos() && freshSeconds >= 3;
                    if (warm || now - start >= MAX_WARMUP.toNanos()) {
                        keptUp = warm;
                        break;
                    }
                    progress.update(String.format(
                            Locale.ROOT,
                            "latency at %,d events/s: warming up %.0f s | views %,d ms behind",
                            rate,
                            (now - start) / 1e9,
                            lagMs));
                }
                timedFrom.set(System.nanoTime());
                long sentBefore = load.sent();
                long timedStart = timedFrom.get();
                while (System.nanoTime() - timedStart < TimeUnit.SECONDS.toNanos(seconds)) {
                    Pause.millis(1_000);
                    load.check();
                    progress.update(line(rate, seconds, timedStart, latencies, probe.pending()));
                }
                load.close();
                sent = load.sent() - sentBefore;
            }
            probe.drain();
            double warmupSeconds = (timedFrom.get() - start) / 1e9;
            Percentiles p = new Percentiles(latencies);
            if (p.count() == 0) {
                progress.finish("");
                throw new StackException("latency at " + rate
                        + " events/s: none of the sampled events became visible in sales_by_store_day within "
                        + VISIBILITY_TIMEOUT.toSeconds() + " s");
            }
            Result result = new Result(
                    rate,
                    seconds,
                    sent,
                    p.count(),
                    probe.invisible() + probe.pending(),
                    p.at(50),
                    p.at(95),
                    p.at(99),
                    p.max(),
                    warmupSeconds,
                    keptUp);
            progress.finish(String.format(
                    Locale.ROOT,
                    "latency at %,d events/s: p50 %.0f ms | p95 %.0f ms | p99 %.0f ms | max %.0f ms (%,d "
                            + "samples of %,d events, after %.0f s warm-up%s)",
                    rate,
                    result.p50(),
                    result.p95(),
                    result.p99(),
                    result.max(),
                    result.samples(),
                    sent,
                    warmupSeconds,
                    keptUp ? "" : " in which the views never caught up"));
            return result;
        }
    }

    private static String line(int rate, int seconds, long startNanos, Queue<Double> latencies, int pending) {
        Percentiles p = new Percentiles(latencies);
        return String.format(
                Locale.ROOT,
                "latency at %,d events/s: %.0f / %d s | %,d samples visible, %,d pending | p50 %.0f ms | p99 %.0f ms",
                rate,
                Math.min(seconds, (System.nanoTime() - startNanos) / 1e9),
                seconds,
                p.count(),
                pending,
                p.at(50),
                p.at(99));
    }
}
