package io.salespipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ReportTest {

    /** 35,000 events/s batched at 1,024 in flight (the faster of two), 20,000 one row per request. */
    private static CassandraCeiling.Result cassandraCeiling() {
        return new CassandraCeiling.Result(
                List.of(
                        new CassandraCeiling.Way("batched like the job", 700_000, 720_000, 40_000, 25, 512),
                        new CassandraCeiling.Way("batched like the job", 700_000, 720_000, 40_000, 20, 1024)),
                new CassandraCeiling.Way("one row per request", 700_000, 1_400_000, 1_400_000, 35, 256),
                20,
                90_000);
    }

    private static final Machine MACHINE = new Machine(2, "AMD EPYC", 23.5, "17.0.15", "Linux", 1.25);

    private static Report report() {
        return new Report(
                "bench_20260101_120000",
                Instant.parse("2026-01-01T12:00:00Z"),
                "./stack bench --events 10M",
                MACHINE,
                "sales-pipeline-job.jar, parallelism 2");
    }

    private static Report.Outcome ok(Step step, Object result) {
        return new Report.Outcome(step, result, null, 10, 1.0, 2.0);
    }

    private static CatchUpRun.Result catchUp(boolean recordViews, long events, double seconds) {
        return new CatchUpRun.Result(
                recordViews,
                events,
                5,
                seconds - 2,
                seconds,
                events,
                0,
                0,
                160_000,
                3340,
                3320,
                new TreeMap<>(Map.of("kafka", 2.0, "flink-taskmanager-1", seconds / 4)),
                List.of(new Sample(0, 0, events), new Sample(seconds, events / seconds, 0)));
    }

    /** A poisoned catch-up of {@code events}, a tenth of them rejected, in {@code seconds}. */
    private static CatchUpRun.Result poisoned(boolean recordViews, long events, double seconds) {
        long rejected = events / 10;
        return new CatchUpRun.Result(
                recordViews,
                events,
                5,
                seconds - 2,
                seconds,
                events - rejected,
                rejected,
                0,
                100_000,
                3340,
                3320,
                Map.of(),
                List.of(new Sample(0, 0, events), new Sample(seconds, events / seconds, 0)));
    }

    private static PoisonRun poison(CatchUpRun.Result allViews, CatchUpRun.Result aggregatesOnly) {
        long events = (allViews != null ? allViews : aggregatesOnly).events();
        return new PoisonRun(new Preload.Result(events, 60, Map.of(0, events)), allViews, aggregatesOnly);
    }

    /** As a bench with step 4 skipped runs it: the aggregates-only replay alone. */
    private static PoisonRun poison(long events, double seconds) {
        return poison(null, poisoned(false, events, seconds));
    }

    private static Report fullRun(double replaySeconds) {
        Report report = report();
        report.add(ok(
                Step.PRELOAD,
                new Preload.Result(
                        10_000_000, 60, Map.of(0, 5_400_000L, 1, 1_600_000L, 2, 1_500_000L, 3, 1_500_000L))));
        report.add(ok(Step.KAFKA, new KafkaCeiling.Result(10_000_000, 1_400_000_000L, 5)));
        // 35,000 events/s batched: the slower ceiling
        report.add(ok(Step.CASSANDRA, cassandraCeiling()));
        report.add(ok(Step.REPLAY, catchUp(true, 10_000_000, replaySeconds)));
        report.add(ok(Step.AGGREGATES, catchUp(false, 10_000_000, 80)));
        report.add(ok(
                Step.LATENCY,
                List.of(
                        new LatencyProbe.Result(2_000, 30, 60_000, 750, 0, 40, 80, 200, 450, 31, true),
                        new LatencyProbe.Result(10_000, 30, 300_000, 750, 0, 60, 400, 1200, 1900, 90, false))));
        report.add(ok(
                Step.RECOVERY,
                new RecoveryProbe.Result(5_000, 2, 450, 9.5, 12.5, List.of(new RecoveryProbe.LagReading(-1, 300)))));
        report.add(ok(
                Step.POISON,
                poison(poisoned(true, 10_000_000, replaySeconds * 1.1), poisoned(false, 10_000_000, 160))));
        return report;
    }

    private static Report.Row row(Report report, String stepPrefix) {
        return report.rows().stream()
                .filter(r -> r.step().startsWith(stepPrefix))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void poisonInputIsJudgedOnAllViewsAndTheAggregatesOnlyShareIsShownBesideIt() {
        // all views: clean 10M in 300 s, poisoned in 330 s = 91 %; aggregates only: clean in 80 s, poisoned in 160 s =
        // 50 %
        Report full = fullRun(300);
        assertThat(row(full, "8 poison input, all views")).satisfies(r -> {
            assertThat(r.result())
                    .contains(
                            "30,303 events/s",
                            "1,000,000 of them malformed and dead-lettered",
                            "91 % of clean input (step 4 replay, all views, 33,333 events/s)");
            assertThat(r.met()).isEqualTo("yes");
        });
        assertThat(row(full, "8 poison input, aggregates only")).satisfies(r -> {
            assertThat(r.result())
                    .contains(
                            "62,500 events/s",
                            "50 % of clean input (step 5 aggregates only, 125,000 events/s)",
                            "worst case, not the judged figure");
            assertThat(r.target()).isEqualTo("–");
            assertThat(r.met()).isEqualTo("–");
        });

        Report slower = report();
        slower.add(ok(Step.REPLAY, catchUp(true, 10_000_000, 300)));
        slower.add(ok(Step.POISON, poison(poisoned(true, 10_000_000, 380), null)));
        assertThat(row(slower, "8 poison input, all views")).satisfies(r -> {
            assertThat(r.result()).contains("79 % of clean input");
            assertThat(r.met()).isEqualTo("no");
        });
    }

    @Test
    void withoutTheAllViewsReplayTheAggregatesOnlyShareIsJudged() {
        // clean: 10M in 80 s = 125,000 events/s; poisoned: 10M in 100 s = 100,000 events/s = 80 %
        Report quick = report();
        quick.add(ok(Step.AGGREGATES, catchUp(false, 10_000_000, 80)));
        quick.add(ok(Step.POISON, poison(10_000_000, 100)));
        assertThat(row(quick, "8 poison")).satisfies(r -> {
            assertThat(r.step()).isEqualTo("8 poison input, aggregates only");
            assertThat(r.result())
                    .contains("100,000 events/s", "80 % of clean input (step 5 aggregates only, 125,000 events/s)");
            assertThat(r.met()).isEqualTo("yes");
        });

        Report slower = report();
        slower.add(ok(Step.AGGREGATES, catchUp(false, 10_000_000, 80)));
        slower.add(ok(Step.POISON, poison(10_000_000, 101)));
        assertThat(row(slower, "8 poison").met()).isEqualTo("no");

        Report alone = report();
        alone.add(ok(Step.POISON, poison(10_000_000, 100)));
        assertThat(row(alone, "8 poison")).satisfies(r -> {
            assertThat(r.result()).endsWith("no clean run to compare with (5 aggregates only skipped)");
            assertThat(r.met()).isEqualTo("–");
        });
    }

    @Test
    void judgesEachTarget() {
        Report report = fullRun(300);
        assertThat(report.rows()).hasSize(10);
        // 33,333 events/s is 95 % of the Cassandra ceiling of 35,000
        assertThat(row(report, "4 replay")).satisfies(r -> {
            assertThat(r.result())
                    .contains("33,333 events/s", "95 % of the slower ceiling (Cassandra, 35,000 events/s)");
            assertThat(r.met()).isEqualTo("yes");
        });
        assertThat(row(report, "5 aggregates").met()).isEqualTo("no");
        assertThat(row(report, "5 aggregates").result()).contains("125,000 events/s", "peaked at 160,000");
        assertThat(row(report, "6 latency at 2,000")).satisfies(r -> {
            assertThat(r.result())
                    .isEqualTo("p50 40 ms, p95 80 ms, p99 200 ms, max 450 ms (750 samples over 30 s after 31 s "
                            + "at the rate)");
            assertThat(r.met()).isEqualTo("–");
        });
        assertThat(row(report, "6 latency at 10,000")).satisfies(r -> {
            assertThat(r.result())
                    .startsWith("p50 60 ms, p95 400 ms, p99 1200 ms")
                    .endsWith("; the views never caught up in 90 s of warm-up)");
            assertThat(r.met()).isEqualTo("no");
        });
        assertThat(row(report, "7 recovery")).satisfies(r -> {
            assertThat(r.result())
                    .contains(
                            "RUNNING 9.5 s after kill -9 of one of 2 TaskManagers",
                            "(≤ 450 ms behind) after 12.5 s",
                            "5,000 events/s");
            assertThat(r.met()).isEqualTo("yes");
        });
        assertThat(row(report, "1 preload").result()).contains("largest partition 54 %");
    }

    @Test
    void replayBelowNinetyPercentOfTheCeilingMissesAndTheSlowerCeilingIsChosen() {
        assertThat(row(fullRun(400), "4 replay")).satisfies(r -> {
            assertThat(r.result()).contains("71 % of the slower ceiling (Cassandra");
            assertThat(r.met()).isEqualTo("no");
        });
        Report kafkaSlower = report();
        kafkaSlower.add(ok(Step.KAFKA, new KafkaCeiling.Result(1_000_000, 100_000_000L, 50)));
        kafkaSlower.add(ok(Step.CASSANDRA, cassandraCeiling()));
        kafkaSlower.add(ok(Step.REPLAY, catchUp(true, 1_000_000, 50)));
        assertThat(row(kafkaSlower, "4 replay").result())
                .contains("100 % of the slower ceiling (Kafka, 20,000 events/s)");
    }

    @Test
    void saysWhenFlinksCountersDisagreeWithTheLog() {
        Report report = report();
        report.add(ok(
                Step.AGGREGATES,
                new CatchUpRun.Result(false, 1_000, 1, 1, 1, 990, 5, 0, 0, 0, 0, Map.of(), List.of())));
        assertThat(row(report, "5 aggregates").result())
                .contains("(1,000 in 1.0 s, but Flink counted 990 parsed + 5 rejected;");
        assertThat(row(fullRun(300), "4 replay").result()).doesNotContain("Flink counted");
    }

    @Test
    void withoutCeilingsTheReplayIsNotJudged() {
        Report report = report();
        report.add(ok(Step.REPLAY, catchUp(true, 1_000_000, 50)));
        assertThat(row(report, "4 replay").met()).isEqualTo("–");
        assertThat(row(report, "4 replay").result()).contains("no ceiling measured");
    }

    @Test
    void aFailedStepIsAMissedTargetWithItsReason() {
        Report report = report();
        report.add(new Report.Outcome(
                Step.RECOVERY, null, "the job was not running again 180 s after the kill", 200, 1, 1));
        report.add(new Report.Outcome(Step.KAFKA, null, "no Kafka answers", 1, 1, 1));
        assertThat(report.anyFailed()).isTrue();
        assertThat(row(report, "7 recovery"))
                .isEqualTo(new Report.Row(
                        "7 recovery", "failed: the job was not running again 180 s after the kill", "< 15 s", "no"));
        assertThat(row(report, "2 Kafka").met()).isEqualTo("–");
        // rows come in step order, whatever order the steps were added in
        assertThat(report.rows().get(0).step()).isEqualTo("2 Kafka ceiling");
    }

    @Test
    void theCassandraCeilingIsTheFasterBatchedWayWithOneRowPerRequestBesideIt() {
        assertThat(row(fullRun(400), "3 Cassandra").result())
                .isEqualTo("35,000 events/s = 70,000 rows/s batched like the job (700,000 events: "
                        + "720,000 rows after de-duplication in 40,000 requests, 1024 in flight; at 512 in "
                        + "flight 28,000 events/s); "
                        + "one row per request: 20,000 events/s (256 in flight); after 20 s warm-up");
    }

    @Test
    void markdownHasTheCommandMachineAndTable() {
        String md = fullRun(400).markdown("replay-x.svg");
        assertThat(md)
                .contains(
                        "- command: `./stack bench --events 10M`",
                        "2 cores (AMD EPYC), 23.5 GiB",
                        "| step | result | target | met? |\n|---|---|---|---|\n| 1 preload | 10,000,000 "
                                + "events in 4 partitions",
                        "| 4 replay, all views | 25,000 events/s (10,000,000 in 400.0 s) = 71 % of the slower "
                                + "ceiling (Cassandra, 35,000 events/s) | ≥ 90 % of the slower ceiling | **no** |",
                        "[replay-x.svg](replay-x.svg)",
                        "preload 1.00 → 2.00");
        assertThat(md.lines().filter(l -> l.startsWith("| ")).count()).isEqualTo(11);
        // replay 10M in 400 s: the TaskManager 100 s + Kafka 2 s = 10.2 s per million; the poisoned runs measured none
        assertThat(md)
                .contains("CPU seconds by process from RUNNING to the flushing checkpoint:\n"
                        + "- 4 replay, all views: flink-taskmanager-1 100.0, kafka 2.0 (10.2 per million events)\n"
                        + "- 5 aggregates only: flink-taskmanager-1 20.0, kafka 2.0 (2.2 per million events)\n");
        assertThat(md).doesNotContain("- 8 poison");
    }

    @Test
    void cpuSpentIsTheDifferenceOfTwoReadingsOfTheSameProcesses() {
        Map<String, Duration> before =
                Map.of("kafka", Duration.ofMillis(1_000), "flink-taskmanager-1", Duration.ofMillis(5_000));
        Map<String, Duration> after = Map.of("kafka", Duration.ofMillis(3_460), "cassandra", Duration.ofMillis(9_000));
        // the TaskManager ended in between (no second reading), Cassandra had no first one
        assertThat(CatchUpRun.cpuSpent(before, after)).containsExactly(Map.entry("kafka", 2.5));
    }

    @Test
    void markdownSaysWhenOtherProcessesCrowdedTheMachine() {
        assertThat(fullRun(300).markdown(null)).doesNotContain("exceeded");
        Report report = fullRun(300);
        report.add(new Report.Outcome(Step.LATENCY, List.of(), null, 60, 1.5, 7.25));
        report.add(new Report.Outcome(Step.RECOVERY, null, "boom", 60, 9.0, 1.0));
        assertThat(report.markdown(null))
                .contains("The load average exceeded the 2 cores during latency, recovery: threads queued for the CPU");
    }

    @Test
    void markdownCellsCannotBreakTheTable() {
        Report report = report();
        report.add(new Report.Outcome(Step.KAFKA, null, "a | b\nc", 1, 1, 1));
        assertThat(report.markdown(null)).contains("| failed: a \\| b c |").doesNotContain("during the replay");
    }

    @Test
    void jsonHoldsResultsDerivedRatesErrorsAndTheTable() throws Exception {
        Report report = fullRun(300);
        report.add(new Report.Outcome(Step.RECOVERY, null, "boom", 3, 1, 1));
        JsonNode json = new ObjectMapper().readTree(report.json());
        assertThat(json.path("command").asText()).isEqualTo("./stack bench --events 10M");
        assertThat(json.path("machine").path("cpus").asInt()).isEqualTo(2);
        assertThat(json.at("/steps/replay/result/eventsPerSecond").asDouble()).isEqualTo(10_000_000 / 300.0);
        assertThat(json.at("/steps/replay/result/series")).hasSize(2);
        assertThat(json.at("/steps/cassandra/result/ceiling/rowsPerSecond").asDouble())
                .isEqualTo(70_000.0);
        assertThat(json.at("/steps/cassandra/result/perRow/eventsPerSecond").asDouble())
                .isEqualTo(20_000.0);
        assertThat(json.at("/steps/latency/result/1/p99").asDouble()).isEqualTo(1200.0);
        assertThat(json.at("/steps/recovery/error").asText()).isEqualTo("boom");
        assertThat(json.path("table")).hasSize(10);
        assertThat(json.at("/table/3/met").asText()).isEqualTo("yes");
    }
}
