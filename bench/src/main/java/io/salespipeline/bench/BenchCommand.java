package io.salespipeline.bench;

import io.salespipeline.contract.Topic;
import io.salespipeline.stack.StackException;
import io.salespipeline.stack.local.StackLayout;
import io.salespipeline.stack.local.StackSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@code ./stack bench}: the pipeline's numbers on this machine, each beside the ceiling it is
 * bounded by, measured in one run so they share the same conditions. Runs against whatever stack
 * {@code STACK_HOME} points at, on topics and keyspaces of its own.
 */
public final class BenchCommand {

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);

    private final StackLayout layout;
    private final PrintStream out;
    private final PrintStream err;
    private final Runnable startMissing;

    /**
     * @param startMissing starts whatever process of the stack is not running, as {@code ./stack up} does
     */
    public BenchCommand(StackLayout layout, PrintStream out, PrintStream err, Runnable startMissing) {
        this.layout = layout;
        this.out = out;
        this.err = err;
        this.startMissing = startMissing;
    }

    public int run(List<String> argv) {
        if (argv.contains("--help") || argv.contains("-h")) {
            out.println(BenchOptions.USAGE);
            return 0;
        }
        BenchOptions options = BenchOptions.parse(argv, layout.repoRoot());
        StackSettings settings = StackSettings.load(layout, null);
        Instant started = Instant.now();
        String runId = "bench_" + STAMP.format(started);
        Machine machine = Machine.detect();
        out.println("bench " + runId + " on " + machine.summary());
        Report report;
        try (BenchEnv env = new BenchEnv(
                runId,
                settings.kafkaBootstrap(),
                settings.cassandraContact(),
                settings.flinkRest(),
                layout.repoRoot(),
                layout.cqlDir(),
                options,
                out,
                layout::runningProcesses)) {
            // Ctrl-C: cancel the running job and remove what the run created, as a normal end would
            Thread cleanup = new Thread(env::close, "bench-cleanup");
            Runtime.getRuntime().addShutdownHook(cleanup);
            report = new Report(
                    runId,
                    started,
                    ("./stack bench " + String.join(" ", argv)).strip(),
                    machine,
                    env.jar().getFileName() + ", parallelism " + options.parallelism()
                            + (options.jobArgs().isEmpty() ? "" : ", settings " + String.join(" ", options.jobArgs()))
                            + (options.flinkConfiguration().isEmpty()
                                    ? ""
                                    : ", Flink options " + options.flinkConfiguration()));
            runSteps(env, options, report);
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        write(report, options.out(), STAMP.format(started));
        return report.anyFailed() ? 1 : 0;
    }

    private void runSteps(BenchEnv env, BenchOptions options, Report report) {
        String log = options.topic() != null ? options.topic() : env.runId;
        if (options.runs(Step.PRELOAD)) {
            env.createTopic(log, options.partitions(), Topic.ITEM_SALES);
            Report.Outcome preload =
                    step(env, report, Step.PRELOAD, () -> new Preload(env, out, err).run(log, options.events()));
            if (preload.error() != null) {
                // every step after it reads this log: no point in going on
                return;
            }
        }
        if (options.runs(Step.REPLAY)
                || options.runs(Step.AGGREGATES)
                || options.runs(Step.LATENCY)
                || options.runs(Step.RECOVERY)
                || options.runs(Step.POISON)) {
            env.createSideTopics();
        }
        // live traffic goes to topics shaped like the log; without one, like the one a preload would have made
        int partitions = options.topic() != null || options.runs(Step.PRELOAD)
                ? env.log.endOffsets(log).size()
                : options.partitions();
        if (options.runs(Step.KAFKA)) {
            step(env, report, Step.KAFKA, () -> new KafkaCeiling(env, err).run(log));
        }
        if (options.runs(Step.CASSANDRA)) {
            step(
                    env,
                    report,
                    Step.CASSANDRA,
                    () -> new CassandraCeiling(env, err)
                            .run(
                                    log,
                                    env.createKeyspace(env.runId + "_ceiling"),
                                    options.sample(),
                                    options.warmupSeconds(),
                                    options.parallelism()));
        }
        if (options.runs(Step.REPLAY)) {
            step(
                    env,
                    report,
                    Step.REPLAY,
                    () -> new CatchUpRun(env, err).run("replay", log, env.runId + "_replay", true));
        }
        if (options.runs(Step.AGGREGATES)) {
            step(
                    env,
                    report,
                    Step.AGGREGATES,
                    () -> new CatchUpRun(env, err).run("aggregates only", log, env.runId + "_aggregates", false));
        }
        if (options.runs(Step.LATENCY)) {
            step(
                    env,
                    report,
                    Step.LATENCY,
                    () -> new LatencyProbe(env, err)
                            .run(
                                    env.runId + "_latency",
                                    env.runId + "_latency",
                                    partitions,
                                    options.latencyRates(),
                                    options.latencySeconds()));
        }
        if (options.runs(Step.RECOVERY)) {
            step(
                    env,
                    report,
                    Step.RECOVERY,
                    () -> new RecoveryProbe(env, layout::taskManager, startMissing, err)
                            .run(env.runId + "_recovery", env.runId + "_recovery", partitions, options.recoveryRate()));
        }
        if (options.runs(Step.POISON)) {
            // as large as the clean log, so the two catch-ups compare like for like
            long events =
                    options.topic() != null || options.runs(Step.PRELOAD) ? env.totalEvents(log) : options.events();
            step(env, report, Step.POISON, () -> {
                String poisoned = env.createTopic(env.runId + "_poison", partitions, Topic.ITEM_SALES);
                Preload.Result preload = new Preload(env, out, err).run(poisoned, events, PoisonRun.BAD_RATIO);
                // each replay of the poisoned log needs its clean counterpart; with neither, still the cheaper one
                boolean allViews = options.runs(Step.REPLAY);
                boolean aggregatesOnly = options.runs(Step.AGGREGATES) || !allViews;
                return new PoisonRun(
                        preload,
                        allViews
                                ? new CatchUpRun(env, err)
                                        .run(
                                                "poison input, " + PoisonRun.ALL_VIEWS,
                                                poisoned,
                                                env.runId + "_poison",
                                                true)
                                : null,
                        aggregatesOnly
                                ? new CatchUpRun(env, err)
                                        .run(
                                                "poison input, " + PoisonRun.AGGREGATES_ONLY,
                                                poisoned,
                                                env.runId + "_poison_aggregates",
                                                false)
                                : null);
            });
        }
    }

    /** Runs one step, then drops its keyspaces; a failure is recorded and reported, and the next step still runs. */
    private Report.Outcome step(BenchEnv env, Report report, Step step, Supplier<Object> body) {
        out.println("[" + step.title + "]");
        double loadBefore = Machine.loadNow();
        long start = System.nanoTime();
        Object result = null;
        String error = null;
        try {
            result = body.get();
        } catch (StackException e) {
            error = e.getMessage();
            err.println("bench: " + step.option + " failed: " + error);
        }
        env.releaseKeyspaces();
        Report.Outcome outcome = new Report.Outcome(
                step, result, error, (System.nanoTime() - start) / 1e9, loadBefore, Machine.loadNow());
        report.add(outcome);
        report.rows().stream()
                .filter(r -> r.step().startsWith(step.title))
                .forEach(r -> out.println("  => " + r.result()
                        + (r.target().equals("–") ? "" : " (target " + r.target() + ": " + verdict(r.met()) + ")")));
        return outcome;
    }

    private static String verdict(String met) {
        return switch (met) {
            case "yes" -> "met";
            case "no" -> "missed";
            default -> "not judged";
        };
    }

    private void write(Report report, Path dir, String stamp) {
        String plot = null;
        Path json = dir.resolve("bench-" + stamp + ".json");
        Path markdown = dir.resolve("bench-" + stamp + ".md");
        try {
            Files.createDirectories(dir);
            var replay = report.result(Step.REPLAY, CatchUpRun.Result.class);
            if (replay.isPresent()) {
                plot = "replay-" + stamp + ".svg";
                Files.writeString(
                        dir.resolve(plot),
                        SvgPlot.render(
                                String.format(
                                        Locale.ROOT,
                                        "Replay of %,d events into all views (%s)",
                                        replay.get().events(),
                                        report.runId),
                                replay.get().series()),
                        StandardCharsets.UTF_8);
            }
            Files.writeString(json, report.json(), StandardCharsets.UTF_8);
            Files.writeString(markdown, report.markdown(plot), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StackException("cannot write the results to " + dir + ": " + e.getMessage());
        }
        out.println();
        out.println(report.markdown(plot));
        out.println("results: " + json + ", " + markdown + (plot == null ? "" : ", " + dir.resolve(plot)));
    }
}
