package io.salespipeline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** What one bench run measured, judged against the targets, as a Markdown table and as JSON. */
final class Report {

    /** Replay into all views, as a share of the slower of the two ceilings measured in the same run. */
    static final double REPLAY_SHARE_OF_CEILING = 0.90;

    static final double AGGREGATES_EVENTS_PER_SECOND = 150_000;
    static final double POISON_SHARE_OF_CLEAN = 0.80;
    /** The rate the latency target applies to, and the target. */
    static final int LATENCY_TARGET_RATE = 10_000;

    static final double LATENCY_P99_MS = 1_000;
    /** Until the lag is back at its steady value: recovery is only over when the pipeline has caught up. */
    static final double RECOVERY_SECONDS = 15;

    /** One line of the table. */
    record Row(String step, String result, String target, String met) {}

    /** A step that ran: its result (or why it failed), how long it took, and the machine's load around it. */
    record Outcome(Step step, Object result, String error, double seconds, double loadBefore, double loadAfter) {}

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    final String runId;
    final Instant startedAt;
    final String command;
    final Machine machine;
    final String job;
    private final Map<Step, Outcome> outcomes = new EnumMap<>(Step.class);

    /** @param job the jar, parallelism and extra settings of the jobs the bench submitted */
    Report(String runId, Instant startedAt, String command, Machine machine, String job) {
        this.runId = runId;
        this.startedAt = startedAt;
        this.command = command;
        this.machine = machine;
        this.job = job;
    }

    void add(Outcome outcome) {
        outcomes.put(outcome.step(), outcome);
    }

    <T> Optional<T> result(Step step, Class<T> type) {
        return Optional.ofNullable(outcomes.get(step))
                .map(Outcome::result)
                .filter(type::isInstance)
                .map(type::cast);
    }

    boolean anyFailed() {
        return outcomes.values().stream().anyMatch(o -> o.error() != null);
    }

    List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (Outcome o : outcomes.values()) {
            if (o.error() != null) {
                rows.add(new Row(
                        o.step().title,
                        "failed: " + o.error(),
                        target(o.step()),
                        target(o.step()).equals("–") ? "–" : "no"));
                continue;
            }
            switch (o.step()) {
                case PRELOAD -> {
                    Preload.Result r = (Preload.Result) o.result();
                    long largest = r.perPartition().values().stream()
                            .mapToLong(Long::longValue)
                            .max()
                            .orElse(0);
                    rows.add(new Row(
                            o.step().title,
                            String.format(
                                    Locale.ROOT,
                                    "%,d events in %d partitions at %,.0f events/s (largest partition %.0f %%)",
                                    r.events(),
                                    r.perPartition().size(),
                                    r.eventsPerSecond(),
                                    100.0 * largest / Math.max(1, r.events())),
                            "–",
                            "–"));
                }
                case KAFKA -> {
                    KafkaCeiling.Result r = (KafkaCeiling.Result) o.result();
                    rows.add(new Row(
                            o.step().title,
                            String.format(
                                    Locale.ROOT,
                                    "%,.0f events/s (%,.0f MB/s), plain consumer from offset 0",
                                    r.eventsPerSecond(),
                                    r.megabytesPerSecond()),
                            "–",
                            "–"));
                }
                case CASSANDRA -> {
                    CassandraCeiling.Result r = (CassandraCeiling.Result) o.result();
                    CassandraCeiling.Way best = r.ceiling();
                    String others = r.batched().stream()
                            .filter(w -> w != best)
                            .map(w -> String.format(
                                    Locale.ROOT, "; at %d in flight %,.0f events/s", w.inFlight(), w.eventsPerSecond()))
                            .collect(Collectors.joining());
                    rows.add(new Row(
                            o.step().title,
                            String.format(
                                    Locale.ROOT,
                                    "%,.0f events/s = %,.0f rows/s batched like the job (%,d events: %,d rows "
                                            + "after de-duplication in %,d requests, %d in flight%s); "
                                            + "one row per request: %,.0f events/s (%d in flight); after %d s warm-up",
                                    best.eventsPerSecond(),
                                    best.rowsPerSecond(),
                                    best.events(),
                                    best.rowsSent(),
                                    best.requests(),
                                    best.inFlight(),
                                    others,
                                    r.perRow().eventsPerSecond(),
                                    r.perRow().inFlight(),
                                    r.warmupSeconds()),
                            "–",
                            "–"));
                }
                case REPLAY -> rows.add(replayRow(o.step(), (CatchUpRun.Result) o.result()));
                case AGGREGATES -> {
                    CatchUpRun.Result r = (CatchUpRun.Result) o.result();
                    // Flink's own rate is a 60 s moving average: over a shorter run it reads low
                    String flinkRate = r.secondsToLogEnd() >= 60
                            ? String.format(
                                    Locale.ROOT,
                                    "; the Kafka source operator's numRecordsOutPerSecond peaked at %,.0f",
                                    r.flinkPeakRate())
                            : "";
                    rows.add(new Row(
                            o.step().title,
                            String.format(
                                    Locale.ROOT,
                                    "%,.0f events/s (%,d in %.1f s%s; %,.0f events/s until the source reached "
                                            + "the log end%s)",
                                    r.eventsPerSecond(),
                                    r.events(),
                                    r.seconds(),
                                    miscount(r),
                                    r.eventsPerSecondToLogEnd(),
                                    flinkRate),
                            target(o.step()),
                            met(r.eventsPerSecond() >= AGGREGATES_EVENTS_PER_SECOND)));
                }
                case LATENCY -> {
                    for (Object item : (List<?>) o.result()) {
                        LatencyProbe.Result r = (LatencyProbe.Result) item;
                        boolean judged = r.rate() == LATENCY_TARGET_RATE;
                        rows.add(new Row(
                                String.format(Locale.ROOT, "%s at %,d events/s", o.step().title, r.rate()),
                                String.format(
                                        Locale.ROOT,
                                        "p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms (%,d samples over "
                                                + "%d s after %.0f s at the rate%s%s)",
                                        r.p50(),
                                        r.p95(),
                                        r.p99(),
                                        r.max(),
                                        r.samples(),
                                        r.seconds(),
                                        r.warmupSeconds(),
                                        r.invisible() == 0 ? "" : ", " + r.invisible() + " never visible",
                                        r.keptUp()
                                                ? ""
                                                : String.format(
                                                        Locale.ROOT,
                                                        "; the views never caught up in %.0f s of warm-up",
                                                        r.warmupSeconds())),
                                judged ? target(o.step()) : "–",
                                judged ? met(r.p99() < LATENCY_P99_MS && r.invisible() == 0) : "–"));
                    }
                }
                case RECOVERY -> {
                    RecoveryProbe.Result r = (RecoveryProbe.Result) o.result();
                    rows.add(new Row(
                            o.step().title,
                            String.format(
                                    Locale.ROOT,
                                    "all tasks RUNNING %.1f s after kill -9 of %s; views as fresh as before "
                                            + "(≤ %,d ms behind) after %.1f s; at %,d events/s",
                                    r.secondsToRunning(),
                                    r.taskManagers() == 1
                                            ? "the only TaskManager"
                                            : "one of " + r.taskManagers() + " TaskManagers",
                                    r.steadyLagMs(),
                                    r.secondsToSteadyLag(),
                                    r.rate()),
                            target(o.step()),
                            met(r.secondsToSteadyLag() < RECOVERY_SECONDS)));
                }
                case POISON -> {
                    PoisonRun poison = (PoisonRun) o.result();
                    if (poison.allViews() != null) {
                        rows.add(poisonRow(PoisonRun.ALL_VIEWS, poison.allViews(), Step.REPLAY, true));
                    }
                    if (poison.aggregatesOnly() != null) {
                        rows.add(poisonRow(
                                PoisonRun.AGGREGATES_ONLY,
                                poison.aggregatesOnly(),
                                Step.AGGREGATES,
                                poison.allViews() == null));
                    }
                }
                default -> throw new IllegalStateException("no row for " + o.step());
            }
        }
        return rows;
    }

    private Row replayRow(Step step, CatchUpRun.Result r) {
        Optional<Double> kafka =
                result(Step.KAFKA, KafkaCeiling.Result.class).map(KafkaCeiling.Result::eventsPerSecond);
        Optional<Double> cassandra =
                result(Step.CASSANDRA, CassandraCeiling.Result.class).map(CassandraCeiling.Result::eventsPerSecond);
        String measured = String.format(
                Locale.ROOT,
                "%,.0f events/s (%,d in %.1f s%s)",
                r.eventsPerSecond(),
                r.events(),
                r.seconds(),
                miscount(r));
        if (kafka.isEmpty() && cassandra.isEmpty()) {
            return new Row(step.title, measured + "; no ceiling measured in this run", target(step), "–");
        }
        boolean cassandraSlower = kafka.isEmpty() || cassandra.isPresent() && cassandra.get() <= kafka.get();
        double ceiling = cassandraSlower ? cassandra.get() : kafka.get();
        double share = r.eventsPerSecond() / ceiling;
        return new Row(
                step.title,
                String.format(
                        Locale.ROOT,
                        "%s = %.0f %% of the slower ceiling (%s, %,.0f events/s)",
                        measured,
                        100 * share,
                        cassandraSlower ? "Cassandra" : "Kafka",
                        ceiling),
                target(step),
                met(share >= REPLAY_SHARE_OF_CEILING));
    }

    /**
     * The poisoned replay's rate against the clean replay of the same configuration. The target is
     * judged on all views, the job as it runs; aggregates only is judged only when it is all there
     * is, and otherwise shown as the worst case (there a valid event costs an in-memory update, a
     * dead letter a Kafka write).
     */
    private Row poisonRow(String configuration, CatchUpRun.Result r, Step cleanStep, boolean judged) {
        String title = poisonTitle(configuration);
        String measured = String.format(
                Locale.ROOT,
                "%,.0f events/s (%,d in %.1f s, %,d of them malformed and dead-lettered%s)",
                r.eventsPerSecond(),
                r.events(),
                r.seconds(),
                r.rejected(),
                miscount(r));
        Optional<CatchUpRun.Result> clean = result(cleanStep, CatchUpRun.Result.class);
        if (clean.isEmpty()) {
            return new Row(
                    title,
                    measured + "; no clean run to compare with (" + cleanStep.title + " skipped)",
                    target(Step.POISON),
                    "–");
        }
        double share = r.eventsPerSecond() / clean.get().eventsPerSecond();
        String compared = String.format(
                Locale.ROOT,
                "%s = %.0f %% of clean input (step %s, %,.0f events/s)",
                measured,
                100 * share,
                cleanStep.title,
                clean.get().eventsPerSecond());
        if (!judged) {
            return new Row(
                    title,
                    compared + "; worst case, not the judged figure: a valid event only updates in-memory "
                            + "pre-aggregates here",
                    "–",
                    "–");
        }
        return new Row(title, compared, target(Step.POISON), met(share >= POISON_SHARE_OF_CLEAN));
    }

    /** Says so when Flink's own counters disagree with the log: the run did not process every event exactly once. */
    private static String miscount(CatchUpRun.Result r) {
        return r.parsed() + r.rejected() == r.events()
                ? ""
                : String.format(Locale.ROOT, ", but Flink counted %,d parsed + %,d rejected", r.parsed(), r.rejected());
    }

    static String target(Step step) {
        return switch (step) {
            case REPLAY -> String.format(Locale.ROOT, "≥ %.0f %% of the slower ceiling", 100 * REPLAY_SHARE_OF_CEILING);
            case AGGREGATES -> String.format(Locale.ROOT, "≥ %,.0f events/s", AGGREGATES_EVENTS_PER_SECOND);
            case LATENCY ->
                String.format(Locale.ROOT, "p99 < %,.0f ms at %,d events/s", LATENCY_P99_MS, LATENCY_TARGET_RATE);
            case RECOVERY -> String.format(Locale.ROOT, "< %.0f s", RECOVERY_SECONDS);
            case POISON -> String.format(Locale.ROOT, "≥ %.0f %% of clean input", 100 * POISON_SHARE_OF_CLEAN);
            default -> "–";
        };
    }

    private static String met(boolean met) {
        return met ? "yes" : "no";
    }

    String markdown(String plotFile) {
        StringBuilder md = new StringBuilder();
        md.append("### Benchmark ").append(runId).append("\n\n");
        md.append("- command: `").append(command).append("`\n");
        md.append("- machine: ").append(machine.summary()).append('\n');
        md.append("- job: ").append(job).append('\n');
        md.append("- started: ").append(startedAt).append("\n\n");
        md.append("| step | result | target | met? |\n|---|---|---|---|\n");
        for (Row row : rows()) {
            md.append("| ")
                    .append(cell(row.step()))
                    .append(" | ")
                    .append(cell(row.result()))
                    .append(" | ")
                    .append(cell(row.target()))
                    .append(" | ")
                    .append(row.met().equals("no") ? "**no**" : row.met())
                    .append(" |\n");
        }
        List<String> crowded = outcomes.values().stream()
                .filter(o -> Math.max(o.loadBefore(), o.loadAfter()) > machine.cpus())
                .map(o -> o.step().option)
                .toList();
        if (!crowded.isEmpty()) {
            md.append(String.format(
                    Locale.ROOT,
                    "%nThe load average exceeded the %d cores during %s: threads queued for the CPU, those of Kafka, "
                            + "Cassandra and Flink themselves and any other process's (the load before the "
                            + "first step shows how busy the machine was already).%n",
                    machine.cpus(),
                    String.join(", ", crowded)));
        }
        md.append("\nLoad average (1 min) before → after each step: ")
                .append(outcomes.values().stream()
                        .map(o -> String.format(
                                Locale.ROOT, "%s %.2f → %.2f", o.step().option, o.loadBefore(), o.loadAfter()))
                        .collect(Collectors.joining(", ")))
                .append(".\n");
        Map<String, CatchUpRun.Result> catchUps = catchUps();
        catchUps.values().removeIf(run -> run.cpuSeconds().isEmpty());
        if (!catchUps.isEmpty()) {
            md.append("\nCPU seconds by process from RUNNING to the flushing checkpoint:\n");
            catchUps.forEach((title, r) -> md.append("- ")
                    .append(title)
                    .append(": ")
                    .append(r.cpuSeconds().entrySet().stream()
                            .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()))
                            .collect(Collectors.joining(", ")))
                    .append(String.format(
                            Locale.ROOT,
                            " (%.1f per million events)%n",
                            r.cpuSeconds().values().stream()
                                            .mapToDouble(Double::doubleValue)
                                            .sum()
                                    * 1e6
                                    / r.events())));
        }
        if (plotFile != null) {
            md.append("\nThroughput and lag during the replay: [")
                    .append(plotFile)
                    .append("](")
                    .append(plotFile)
                    .append(")\n");
        }
        return md.toString();
    }

    /** The timed catch-ups of this run, by the table's step titles. */
    private Map<String, CatchUpRun.Result> catchUps() {
        Map<String, CatchUpRun.Result> runs = new LinkedHashMap<>();
        result(Step.REPLAY, CatchUpRun.Result.class).ifPresent(r -> runs.put(Step.REPLAY.title, r));
        result(Step.AGGREGATES, CatchUpRun.Result.class).ifPresent(r -> runs.put(Step.AGGREGATES.title, r));
        result(Step.POISON, PoisonRun.class).ifPresent(p -> {
            if (p.allViews() != null) {
                runs.put(poisonTitle(PoisonRun.ALL_VIEWS), p.allViews());
            }
            if (p.aggregatesOnly() != null) {
                runs.put(poisonTitle(PoisonRun.AGGREGATES_ONLY), p.aggregatesOnly());
            }
        });
        return runs;
    }

    private static String poisonTitle(String configuration) {
        return Step.POISON.title + ", " + configuration;
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    String json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("run", runId);
        root.put("startedAt", startedAt.toString());
        root.put("command", command);
        root.set("machine", JSON.valueToTree(machine));
        root.put("job", job);
        ObjectNode steps = root.putObject("steps");
        for (Outcome o : outcomes.values()) {
            ObjectNode step = steps.putObject(o.step().option);
            step.put("seconds", o.seconds());
            step.put("loadAverageBefore", o.loadBefore());
            step.put("loadAverageAfter", o.loadAfter());
            if (o.error() != null) {
                step.put("error", o.error());
            } else {
                step.set("result", JSON.valueToTree(o.result()));
            }
        }
        ArrayNode table = root.putArray("table");
        rows().forEach(r -> table.add(JSON.valueToTree(r)));
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the results as JSON", e);
        }
    }
}
