package io.salespipeline.bench;

import io.salespipeline.contract.Topic;
import io.salespipeline.stack.Pause;
import io.salespipeline.stack.Progress;
import io.salespipeline.stack.StackException;
import io.salespipeline.stack.clients.FlinkRest;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Step 7: at steady load, the TaskManager running the job's first source subtask is killed with
 * SIGKILL (no chance to clean up, as in a crashed machine) and a new one is started the way
 * {@code ./stack up} starts a missing process. Measured from the kill: until every task of the job
 * runs again, and until the views are again as fresh as before the kill. With the stack's two
 * TaskManagers the job restarts on the other one without waiting for the new JVM; with
 * {@code ./stack up --taskmanagers 1} it has to wait for it.
 *
 * <p>Lag is measured in time, from the views: how old the newest visible event of the most behind partition is. Offsets
 * from Flink's metrics cannot serve here: after a TaskManager is lost, the JobManager's metric fetcher waits for the
 * dead one until {@code web.timeout} (1 min in flink-conf/, 10 min by default) and REST shows no task metrics until
 * then; committed offsets move only every checkpoint (10 s).
 */
final class RecoveryProbe {

    /**
     * @param steadyLagMs the highest lag in the steady window before the kill
     * @param series lag readings, seconds relative to the kill
     */
    record Result(
            int rate,
            int taskManagers,
            long steadyLagMs,
            double secondsToRunning,
            double secondsToSteadyLag,
            List<LagReading> series) {}

    record LagReading(double seconds, long lagMs) {}

    /** The job must keep up and have a checkpoint to restore from before the kill. */
    private static final Duration MIN_WARMUP = Duration.ofSeconds(15);

    private static final Duration MAX_WARMUP = Duration.ofSeconds(120);
    private static final Duration STEADY = Duration.ofSeconds(20);
    /** Long enough to report a slow recovery as a number rather than as a failure. */
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private static final long TICK_MS = 250;
    /** Fewer lookups than the latency step: while the job catches up, Cassandra is busy enough. */
    private static final int SAMPLES_PER_SECOND = 10;

    private final BenchEnv env;
    private final Function<String, ProcessHandle> taskManagerProcess;
    private final Runnable startMissing;
    private final PrintStream err;

    /**
     * @param taskManagerProcess the running process of the stack's TaskManager with this resource id
     * @param startMissing starts whatever process of the stack is not running ({@code ./stack up})
     */
    RecoveryProbe(
            BenchEnv env, Function<String, ProcessHandle> taskManagerProcess, Runnable startMissing, PrintStream err) {
        this.env = env;
        this.taskManagerProcess = taskManagerProcess;
        this.startMissing = startMissing;
        this.err = err;
    }

    Result run(String topic, String keyspace, int partitions, int rate) {
        env.createTopic(topic, partitions, Topic.ITEM_SALES);
        env.createKeyspace(keyspace);
        PipelineJob job = env.startJob(topic, keyspace, List.of());
        Freshness freshness = new Freshness(partitions, System.nanoTime());
        Progress progress = new Progress(err);
        try (VisibilityProbe probe = new VisibilityProbe(
                        env.session,
                        keyspace,
                        TIMEOUT,
                        (event, visibleNanos) ->
                                freshness.visible(event.metadata().partition(), event.sentNanos()));
                RateLimitedProducer load = new RateLimitedProducer(
                        env.kafkaBootstrap,
                        topic,
                        env.runId + "-recovery",
                        rate,
                        Math.max(1, rate / SAMPLES_PER_SECOND),
                        probe::watch)) {
            warmUp(job, load, freshness, rate, progress);

            List<LagReading> steady = new ArrayList<>();
            long steadyEnd = System.nanoTime() + STEADY.toNanos();
            long steadyLagMs = 0;
            while (System.nanoTime() < steadyEnd) {
                load.check();
                long lagMs = lagMs(freshness);
                steady.add(new LagReading(System.nanoTime() / 1e9, lagMs));
                steadyLagMs = Math.max(steadyLagMs, lagMs);
                progress.update(String.format(
                        Locale.ROOT,
                        "recovery: %,d events/s, steady | views %,d ms behind (highest %,d)",
                        rate,
                        lagMs,
                        steadyLagMs));
                Pause.millis(TICK_MS);
            }

            String victim = job.taskManagerOfFirstSubtask();
            ProcessHandle taskManager = taskManagerProcess.apply(victim);
            int taskManagers = env.flink.get("/overview").path("taskmanagers").asInt();
            long killedAtMillis = System.currentTimeMillis();
            taskManager.destroyForcibly();
            long killedAt = System.nanoTime();
            List<LagReading> series = new ArrayList<>();
            steady.forEach(r -> series.add(new LagReading(r.seconds() - killedAt / 1e9, r.lagMs())));
            awaitExit(taskManager);
            progress.finish(String.format(
                    Locale.ROOT,
                    "recovery: killed TaskManager %s (pid %d, one of %d) with SIGKILL, views %,d ms behind at "
                            + "most before; starting a new one",
                    victim,
                    taskManager.pid(),
                    taskManagers,
                    steadyLagMs));
            // measured while the new TaskManager starts: with a second one the job does not wait for it
            CompletableFuture<Void> replacement =
                    CompletableFuture.runAsync(startMissing, command -> new Thread(command, "bench-stack-up").start());

            long runningAt = 0;
            boolean disrupted = false;
            while (true) {
                load.check();
                long now = System.nanoTime();
                long lagMs = lagMs(freshness);
                series.add(new LagReading((now - killedAt) / 1e9, lagMs));
                FlinkRest.Tasks tasks = job.tasks();
                if (tasks.ended()) {
                    throw new StackException(
                            "recovery: the job ended as " + tasks.state() + " after the TaskManager was killed");
                }
                // until the JobManager notices the dead TaskManager, REST still shows its tasks as
                // running; a quick failover may be over between two looks, but not its RESTARTING time
                if (!disrupted) {
                    disrupted = !tasks.allRunning() || job.restartingSince(killedAtMillis);
                }
                if (runningAt == 0 && disrupted && tasks.allRunning()) {
                    runningAt = now;
                }
                if (runningAt > 0 && lagMs <= steadyLagMs) {
                    awaitReplacement(replacement);
                    Result result = new Result(
                            rate,
                            taskManagers,
                            steadyLagMs,
                            (runningAt - killedAt) / 1e9,
                            (now - killedAt) / 1e9,
                            series);
                    progress.finish(String.format(
                            Locale.ROOT,
                            "recovery: all tasks RUNNING %.1f s after the kill, views back within %,d ms after %.1f s",
                            result.secondsToRunning(),
                            steadyLagMs,
                            result.secondsToSteadyLag()));
                    return result;
                }
                if (now - killedAt > TIMEOUT.toNanos()) {
                    progress.finish("");
                    throw new StackException(String.format(
                            Locale.ROOT,
                            "recovery: %s %d s after the kill (%d of %d tasks running, views %,d ms behind, "
                                    + "steady %,d ms)",
                            runningAt == 0 ? "the job was not running again" : "the views had not caught up",
                            TIMEOUT.toSeconds(),
                            tasks.running(),
                            tasks.total(),
                            lagMs,
                            steadyLagMs));
                }
                if (!replacement.isDone()) {
                    // ./stack up shows its own progress meanwhile
                    Pause.millis(TICK_MS);
                    continue;
                }
                progress.update(String.format(
                        Locale.ROOT,
                        "recovery: %.1f s since the kill | %d of %d tasks running%s | views %,d ms behind (steady %,d)",
                        (now - killedAt) / 1e9,
                        tasks.running(),
                        tasks.total(),
                        runningAt > 0
                                ? String.format(Locale.ROOT, " (RUNNING after %.1f s)", (runningAt - killedAt) / 1e9)
                                : disrupted ? "" : " (the JobManager has not noticed yet)",
                        lagMs,
                        steadyLagMs));
                Pause.millis(TICK_MS);
            }
        } finally {
            env.stop(job);
        }
    }

    /** Until the job has run a while, keeps up with the load, and has a checkpoint to restore from. */
    private void warmUp(PipelineJob job, RateLimitedProducer load, Freshness freshness, int rate, Progress progress) {
        long start = System.nanoTime();
        int freshSeconds = 0;
        while (true) {
            Pause.millis(1_000);
            load.check();
            long lagMs = lagMs(freshness);
            freshSeconds = lagMs <= LatencyProbe.CAUGHT_UP.toMillis() ? freshSeconds + 1 : 0;
            long elapsed = System.nanoTime() - start;
            if (elapsed >= MIN_WARMUP.toNanos()
                    && freshSeconds >= 3
                    && job.lastCheckpoint().isPresent()) {
                return;
            }
            if (elapsed >= MAX_WARMUP.toNanos()) {
                progress.finish("");
                throw new StackException(String.format(
                        Locale.ROOT,
                        "recovery: the job does not keep up with %,d events/s (views %,d ms behind after %d "
                                + "s); try a lower --recovery-rate",
                        rate,
                        lagMs,
                        MAX_WARMUP.toSeconds()));
            }
            progress.update(String.format(
                    Locale.ROOT,
                    "recovery: %,d events/s, warming up %.0f s | views %,d ms behind",
                    rate,
                    elapsed / 1e9,
                    lagMs));
        }
    }

    private static long lagMs(Freshness freshness) {
        return TimeUnit.NANOSECONDS.toMillis(freshness.lagNanos(System.nanoTime()));
    }

    /** The stack is whole again before the next step; a replacement that failed to start fails this one. */
    private static void awaitReplacement(CompletableFuture<Void> replacement) {
        try {
            replacement.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("recovery: interrupted while the new TaskManager started");
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new StackException("recovery: the new TaskManager did not start: " + cause.getMessage());
        }
    }

    private static void awaitExit(ProcessHandle process) {
        try {
            process.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new StackException("the TaskManager (pid " + process.pid() + ") did not exit within 30 s of SIGKILL");
        }
    }
}
