package io.salespipeline.job.schedules;

import static org.assertj.core.api.Assertions.assertThat;

import io.salespipeline.contract.ReferenceField;
import io.salespipeline.contract.ViewTable;
import io.salespipeline.job.SalesPipelineJob;
import io.salespipeline.job.config.JobConfig;
import io.salespipeline.job.functions.ReferenceLogEnds;
import io.salespipeline.job.records.DeadLetter;
import io.salespipeline.job.records.LateEvent;
import io.salespipeline.job.records.LatePartial;
import io.salespipeline.job.records.LateReason;
import io.salespipeline.job.records.ReferenceRecord;
import io.salespipeline.job.records.ReferenceVersion;
import io.salespipeline.job.records.SaleEvent;
import io.salespipeline.job.records.SourceRecord;
import io.salespipeline.job.records.TallyPartial;
import io.salespipeline.job.sinks.CassandraViewSinks;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BinaryOperator;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.java.tuple.Tuple;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job, from the source's output to every sink, on random schedules of random logs: four partitions read at
 * their own paces with idle spells (a till offline, then uploading), valid and rejected records, events a little or far
 * behind their partition, on two to four subtasks, stopped with a savepoint at random moments (also between a window's
 * final firing and the end of its lateness) and resumed at another parallelism, and in half the schedules failing once
 * at a random moment, to restore from the last checkpoint and produce again what followed it. What the views, the dead
 * letters and the late topic hold is checked against what the log alone defines:
 *
 * <ul>
 *   <li>events behind their own partition by more than the lateness are exactly the
 *       {@code BEHIND_ITS_PARTITION} late events; any other late event says it was decided by an
 *       idle spell; each event at most once;</li>
 *   <li>every other valid event is counted in every aggregate view, or in that view's
 *       closed-window envelope: a final row plus its envelopes is the log's recount (so no window
 *       dropped anything);</li>
 *   <li>every window row and ranking ends final, and no final row was ever replaced by an early one;</li>
 *   <li>the record views hold every valid event, and each item's newest sale by (event time, log
 *       position); every rejected record is one dead letter.</li>
 * </ul>
 *
 * <p>In half the schedules the job joins the sales with reference data read on a schedule of its own
 * ({@code --enrichment}): the views must be the same, so the join loses, repeats and holds back no sale for good.
 *
 * <p>{@code -Dchain.schedules=N} runs N schedules (default 30), {@code -Dchain.seed=S} replays from
 * seed S, {@code -Dchain.enrichment=true|false} forces the join on or off; the failing seed and its schedule are in the message. The schedules run on wall-clock
 * time, so a seed fixes the log and the schedule's shape, not the exact interleaving.
 */
class WholeChainSchedulesTest {

    private static final Duration LATENESS = Duration.ofSeconds(5);
    private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(1);
    private static final Duration IDLENESS = Duration.ofMillis(300);
    private static final Duration REFERENCE_IDLENESS = Duration.ofMillis(300);
    private static final String CATALOG = "item_catalog";
    private static final Duration STORE_WINDOW = Duration.ofSeconds(5);
    private static final Duration HOUR_WINDOW = Duration.ofSeconds(20);
    private static final int TOP_N = 3;
    private static final int PARTITIONS = 4;
    private static final String TOPIC = "item_sales";
    private static final String CLOSING = "closing";
    private static final long BASE_MS = 1_704_067_200_000L;
    /** The event time of the closing events, three hours past the data. */
    private static final long CLOSING_MS = BASE_MS + TimeUnit.HOURS.toMillis(3);
    /** The windows whose rows must all end final, in the order their failures are listed. */
    private static final List<ViewTable> WINDOW_VIEWS = List.of(
            ViewTable.STORE_SALES_PER_MINUTE,
            ViewTable.ITEM_SALES_PER_HOUR,
            ViewTable.TOP_ITEMS_PER_STORE_HOUR,
            ViewTable.REGION_SALES_PER_HOUR);
    /** The field of a window row or ranking that holds {@code final} (ViewRows' tuples). */
    private static final int FINAL_FIELD = 6;

    private static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(500);
    /** Longer than a checkpoint interval: the last envelopes are committed with a checkpoint. */
    private static final Duration QUIET = Duration.ofMillis(1_500);
    /** Without a write for this long and short of the end, the job is stuck (no watermark will come). */
    private static final Duration STUCK = Duration.ofSeconds(30);
    /** A poll of the outputs this much later than the last (every 50 ms) means the machine paused. */
    private static final Duration POLL_GAP = Duration.ofMillis(500);

    private static final String[] STORES = {"s1", "s2", "s3"};
    private static final String[] ITEMS = {"apple", "banana", "cherry", "fig", "grape"};

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(4)
            .setConfiguration(clusterConfiguration())
            .build());

    private static Configuration clusterConfiguration() {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        // the injected failures: restore from the last checkpoint at once
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        return conf;
    }

    @Test
    void theViewsAndTheLateTopicAreWhatTheLogDefinesWhateverTheSchedule(
            @InjectClusterClient ClusterClient<?> client, @TempDir Path savepoints) throws Exception {
        long seed = Long.getLong("chain.seed", System.nanoTime());
        int schedules = Integer.getInteger("chain.schedules", 30);
        List<String> failed = new ArrayList<>();
        AssertionError first = null;
        for (int run = 0; run < schedules; run++) {
            long runSeed = seed + run;
            try {
                runSchedule(client, runSeed, Files.createDirectory(savepoints.resolve(Long.toString(runSeed))));
            } catch (AssertionError | Exception e) {
                failed.add(runSeed + ": "
                        + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
                if (first == null) {
                    first = new AssertionError(
                            "chain seed " + runSeed + " (replay with -Dchain.seed=" + runSeed
                                    + " -Dchain.schedules=1): " + e.getMessage(),
                            e);
                }
            }
        }
        if (first != null) {
            System.out.println("chain: " + failed.size() + " of " + schedules + " schedules failed: " + failed);
            throw first;
        }
    }

    private void runSchedule(ClusterClient<?> client, long seed, Path savepoints) throws Exception {
        Random random = new Random(seed);
        ScheduledLog<SourceRecord> log = randomLog(random, seed);
        String id = "chain-" + seed;
        ScheduledLog.register(id, log);
        // a generator of its own, so that a seed's log and schedule are the same with and without the join
        // seeded through a mixer: java.util.Random's first draws from neighbouring seeds are nearly the same, and
        // consecutive schedules would then all run with the join or all without it
        Random referenceRandom = new Random(new SplittableRandom(seed).nextLong());
        String forced = System.getProperty("chain.enrichment");
        boolean enrichment = forced == null ? referenceRandom.nextBoolean() : Boolean.parseBoolean(forced);
        ScheduledLog<ReferenceRecord> reference = referenceLog(referenceRandom, seed);
        ScheduledLog.register(referenceId(id), reference);
        // with the catalog read before any sale, every join finds the versions in force at the sale's event time
        boolean referenceFirst = enrichment && referenceRandom.nextBoolean();
        if (referenceFirst) {
            log.readAfter(reference);
        }
        CollectedOutputs outputs = CollectedOutputs.create(id);
        List<String> phases = new ArrayList<>();
        if (enrichment) {
            phases.add("enrichment on, " + reference.total() + " reference records"
                    + (referenceFirst ? ", read before the sales" : ""));
        }
        try {
            long watermarkInterval = List.of(20L, 100L, 200L).get(random.nextInt(3));
            int restores = random.nextInt(3);
            if (random.nextBoolean()) {
                // a task fails once, somewhere in the schedule: a restore from a checkpoint, whose
                // partials, rows and envelopes after it are produced again
                long failAfter = 20 + random.nextInt((int) log.total() - 20);
                log.failAfter(failAfter);
                phases.add("a reader fails after " + failAfter + " records");
            }
            String savepoint = null;
            for (int phase = 0; phase <= restores; phase++) {
                int parallelism = phase == 0 ? 2 + random.nextInt(3) : 1 + random.nextInt(4);
                JobID job = submit(client, id, enrichment, parallelism, watermarkInterval, savepoint);
                awaitRunning(client, job);
                if (phase < restores) {
                    long runMs = 200 + random.nextInt(2_500);
                    Thread.sleep(runMs);
                    savepoint = stopWithSavepoint(client, job, savepoints);
                    phases.add("p=" + parallelism + " for " + runMs + " ms, savepoint");
                } else {
                    phases.add("p=" + parallelism + " to the end");
                    awaitTheEnd(client, job, log, outputs);
                    client.cancel(job).get(60, TimeUnit.SECONDS);
                    awaitTerminal(client, job);
                }
            }
            List<LateEvent> late = outputs.envelopes("late");
            List<LatePartial> closed = outputs.envelopes("late-partials");
            System.out.printf(
                    "chain seed %d: %s; %d records, %d late events (%d after an idle spell), %d closed-window "
                            + "envelopes (%d events)%n",
                    seed,
                    phases,
                    log.total(),
                    late.size(),
                    late.stream()
                            .filter(l -> !l.reason.equals(LateReason.BEHIND_ITS_PARTITION.code()))
                            .count(),
                    closed.size(),
                    closed.stream().mapToLong(c -> c.partial.events).sum());
            try {
                assertOutputsMatchTheLog(
                        log,
                        enrichment ? reference : null,
                        referenceFirst ? ReferenceOracle.of(reference) : null,
                        outputs);
            } catch (AssertionError e) {
                throw new AssertionError(
                        "watermark interval " + watermarkInterval + " ms, runs " + phases + ", log"
                                + log.describeSchedule() + ": " + e.getMessage(),
                        e);
            }
        } finally {
            ScheduledLog.unregister(id);
            ScheduledLog.unregister(referenceId(id));
            CollectedOutputs.remove(id);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The log and its schedule

    private static ScheduledLog<SourceRecord> randomLog(Random random, long seed) {
        List<List<SourceRecord>> partitions = new ArrayList<>();
        long[] pace = new long[PARTITIONS];
        List<List<ScheduledLog.Spell>> spells = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            List<SourceRecord> records = new ArrayList<>();
            long clock = BASE_MS + random.nextInt(10_000);
            int n = 100 + random.nextInt(200);
            for (int offset = 0; offset < n; offset++) {
                if (random.nextInt(100) < 4) {
                    byte[] payload = ("not json " + offset).getBytes(StandardCharsets.UTF_8);
                    records.add(SourceRecord.rejected(
                            DeadLetter.of("NOT_JSON", "not JSON", TOPIC, p, offset, 0L, payload)));
                    continue;
                }
                clock += 50 + random.nextInt(350);
                int roll = random.nextInt(100);
                // mostly a little out of order; sometimes far behind its partition (some within the lateness, some
                // beyond)
                long ts = roll < 6 ? clock - 3_000 - random.nextInt(40_000) : clock - random.nextInt(1_500);
                String item = ITEMS[random.nextInt(ITEMS.length)];
                records.add(SourceRecord.valid(new SaleEvent(
                        item + "-" + (1 + random.nextInt(2)),
                        item,
                        STORES[random.nextInt(STORES.length)],
                        1 + random.nextInt(9),
                        ts,
                        TOPIC,
                        p,
                        offset)));
            }
            // closes every window of the data: three hours ahead, in a store and item of its own
            records.add(SourceRecord.valid(
                    new SaleEvent(CLOSING + "-" + p, CLOSING, CLOSING, 1, CLOSING_MS + p, TOPIC, p, n)));
            partitions.add(records);
            pace[p] = 300 + random.nextInt(3_000);
            List<ScheduledLog.Spell> idle = new ArrayList<>();
            for (int s = random.nextInt(3); s > 0; s--) {
                long from = random.nextInt(1_500);
                idle.add(new ScheduledLog.Spell(from, from + IDLENESS.toMillis() * (2 + random.nextInt(4))));
            }
            spells.add(idle);
        }
        return new ScheduledLog<>(seed, partitions, pace, spells);
    }

    private static String referenceId(String id) {
        return id + "-reference";
    }

    /**
     * The catalog and directory, one partition read at its own pace with idle spells: a version of every item id and
     * store, some changed later, a few deleted, and rejected records among them.
     */
    private static ScheduledLog<ReferenceRecord> referenceLog(Random random, long seed) {
        List<ReferenceRecord> records = new ArrayList<>();
        for (String item : ITEMS) {
            for (int variant = 1; variant <= 2; variant++) {
                String id = item + "-" + variant;
                for (long from = BASE_MS - 60_000; from < BASE_MS + 120_000; from += 10_000 + random.nextInt(60_000)) {
                    records.add(ReferenceRecord.valid(
                            random.nextInt(10) == 0
                                    ? ReferenceVersion.deleted(ReferenceField.Kind.ITEM, id, from)
                                    : ReferenceVersion.item(
                                            id, from, BigDecimal.valueOf(50 + random.nextInt(500), 2), "fruit")));
                }
            }
        }
        for (String store : STORES) {
            records.add(ReferenceRecord.valid(ReferenceVersion.store(store, BASE_MS, "region-" + store, "city")));
        }
        Collections.shuffle(records, random);
        for (int i = random.nextInt(3); i > 0; i--) {
            // its place in the log is known once every record is in
            records.add(random.nextInt(records.size()), null);
        }
        List<ScheduledLog.Spell> spells = new ArrayList<>();
        if (random.nextBoolean()) {
            long from = random.nextInt(200);
            spells.add(new ScheduledLog.Spell(from, from + REFERENCE_IDLENESS.toMillis() * (2 + random.nextInt(3))));
        }
        for (int offset = 0; offset < records.size(); offset++) {
            if (records.get(offset) == null) {
                byte[] payload = ("not json " + offset).getBytes(StandardCharsets.UTF_8);
                records.set(
                        offset,
                        ReferenceRecord.rejected(
                                DeadLetter.of("NOT_JSON", "not JSON", CATALOG, 0, offset, 0L, payload)));
            }
            records.get(offset).at(CATALOG, 0, offset);
        }
        return new ScheduledLog<>(seed, List.of(records), new long[] {500 + random.nextInt(5_000)}, List.of(spells));
    }

    /** The reference log's end, as the brokers would tell it. */
    private static ReferenceLogEnds referenceEnds(ScheduledLog<ReferenceRecord> reference) {
        long end = reference.size(0);
        return () -> Map.of(ReferenceLogEnds.partition(CATALOG, 0), end);
    }

    // ---------------------------------------------------------------------------------------------
    // Running the job

    private static JobConfig config(boolean enrichment) {
        return JobConfig.fromArgs(
                new String[] {
                    "--enrichment", Boolean.toString(enrichment),
                    "--enrichment.reference-idleness", REFERENCE_IDLENESS.toMillis() + "ms",
                    "--kafka.item-catalog-topic", CATALOG,
                    "--window.allowed-lateness", LATENESS.toMillis() + "ms",
                    "--watermark.out-of-orderness", OUT_OF_ORDERNESS.toMillis() + "ms",
                    "--watermark.idleness", IDLENESS.toMillis() + "ms",
                    "--window.store", STORE_WINDOW.toMillis() + "ms",
                    "--window.item", HOUR_WINDOW.toMillis() + "ms",
                    "--window.top-items", HOUR_WINDOW.toMillis() + "ms",
                    "--window.region", HOUR_WINDOW.toMillis() + "ms",
                    "--window.early-firing", "200ms",
                    "--window.local-flush", "100ms",
                    "--top.n", Integer.toString(TOP_N),
                },
                Map.of());
    }

    private static JobID submit(
            ClusterClient<?> client,
            String id,
            boolean enrichment,
            int parallelism,
            long watermarkInterval,
            String savepoint)
            throws Exception {
        JobConfig config = config(enrichment);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.getConfig().setAutoWatermarkInterval(watermarkInterval);
        env.enableCheckpointing(CHECKPOINT_INTERVAL.toMillis());
        SalesPipelineJob.configure(env, config);
        CassandraViewSinks views = new CassandraViewSinks(config, CollectedOutputs.rowSinks(id, FINAL_FIELD));
        new SalesPipelineJob(
                        config,
                        new ScheduledLogSource<>(id),
                        new ScheduledLogSource<>(referenceId(id)),
                        referenceEnds(ScheduledLog.<ReferenceRecord>get(referenceId(id))),
                        views,
                        CollectedOutputs.envelopes(id, "dlq"),
                        CollectedOutputs.envelopes(id, "late"),
                        CollectedOutputs.envelopes(id, "late-partials"))
                .build(env);
        JobGraph graph = env.getStreamGraph().getJobGraph();
        if (savepoint != null) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
        }
        return client.submitJob(graph).get(60, TimeUnit.SECONDS);
    }

    private static void awaitRunning(ClusterClient<?> client, JobID job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (client.getJobStatus(job).get() != JobStatus.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job not running after 60 s: "
                        + client.getJobStatus(job).get());
            }
            Thread.sleep(20);
        }
    }

    /** Retried while tasks are still being deployed: a savepoint needs every task running. */
    private static String stopWithSavepoint(ClusterClient<?> client, JobID job, Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                String path = client.stopWithSavepoint(
                                job, false, dir.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(60, TimeUnit.SECONDS);
                awaitTerminal(client, job);
                return path;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static void awaitTerminal(ClusterClient<?> client, JobID job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!client.getJobStatus(job).get().isGloballyTerminalState()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job did not end within 60 s");
            }
            Thread.sleep(20);
        }
    }

    /**
     * Until every record was read, every window before the closing events is final, and nothing was written for {@link
     * #QUIET}.
     */
    private static void awaitTheEnd(
            ClusterClient<?> client, JobID job, ScheduledLog<SourceRecord> log, CollectedOutputs outputs)
            throws Exception {
        // a slow machine is still writing: the job is stuck only once it stopped writing short of the end
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        long lastWrites = -1;
        long quietSince = System.nanoTime();
        long lastPoll = System.nanoTime();
        while (System.nanoTime() < deadline && System.nanoTime() - quietSince < STUCK.toNanos()) {
            long now = System.nanoTime();
            if (now - lastPoll > POLL_GAP.toNanos()) {
                // the machine stood still (a suspended VM, a long pause): the job had no time to write, so the quiet so
                // far says nothing
                quietSince = now;
            }
            lastPoll = now;
            if (client.getJobStatus(job).get().isGloballyTerminalState()) {
                throw new AssertionError("the job ended: "
                        + client.requestJobResult(job)
                                .get()
                                .getSerializedThrowable()
                                .map(t -> t.getFullStringifiedStackTrace())
                                .orElse(client.getJobStatus(job).get().toString()));
            }
            long writes = outputs.writes();
            if (writes != lastWrites) {
                lastWrites = writes;
                quietSince = System.nanoTime();
            } else if (log.allRead() && allWindowsFinal(outputs) && System.nanoTime() - quietSince > QUIET.toNanos()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not done: " + log.emitted() + " of " + log.total() + " records read, "
                + outputs.writes() + " writes, the last "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - quietSince) + " ms ago; rows not final: "
                + notFinal(outputs));
    }

    private static List<String> notFinal(CollectedOutputs outputs) {
        List<String> rows = new ArrayList<>();
        for (ViewTable view : WINDOW_VIEWS) {
            outputs.table(view.table()).values().stream()
                    .filter(row -> !endsFinal(view, row))
                    .forEach(row -> rows.add(view.table() + " " + row));
        }
        return rows;
    }

    private static boolean allWindowsFinal(CollectedOutputs outputs) {
        return notFinal(outputs).isEmpty();
    }

    /**
     * Whether a window row is final or one that no watermark closes: the closing events' own windows (their store and
     * item are their own; their store's region is {@code unknown}, in a window of its own three hours on).
     */
    private static boolean endsFinal(ViewTable view, Tuple row) {
        boolean closing = view == ViewTable.REGION_SALES_PER_HOUR
                ? ((Date) row.getField(2)).getTime() == windowStart(CLOSING_MS, HOUR_WINDOW)
                : CLOSING.equals(row.getField(0));
        return closing || row.<Boolean>getField(FINAL_FIELD);
    }

    // ---------------------------------------------------------------------------------------------
    // The oracle: what the log alone defines

    private static String position(DeadLetter letter) {
        return letter.sourceTopic + "/" + letter.sourcePartition + "-" + letter.sourceOffset;
    }

    /** Each item's price and each store's region in force at an event time, by the reference log's valid versions. */
    private record ReferenceOracle(Map<String, TreeMap<Long, ReferenceVersion>> versions) {
        static ReferenceOracle of(ScheduledLog<ReferenceRecord> reference) {
            Map<String, TreeMap<Long, ReferenceVersion>> versions = new HashMap<>();
            for (ReferenceRecord record : reference.partition(0)) {
                if (record.isValid()) {
                    versions.computeIfAbsent(record.version.kind + "/" + record.version.id, id -> new TreeMap<>())
                            .put(record.version.effectiveFromMs, record.version);
                }
            }
            return new ReferenceOracle(versions);
        }

        private ReferenceVersion inForce(ReferenceField.Kind kind, String id, long timestampMs) {
            TreeMap<Long, ReferenceVersion> ofId = versions.get(kind + "/" + id);
            Map.Entry<Long, ReferenceVersion> inForce = ofId == null ? null : ofId.floorEntry(timestampMs);
            return inForce == null || inForce.getValue().deleted ? null : inForce.getValue();
        }

        /** Null when no price is in force: the item was never listed by then, or its listing had ended. */
        BigDecimal unitPrice(SaleEvent e) {
            ReferenceVersion item = inForce(ReferenceField.Kind.ITEM, e.itemId, e.timestampMs);
            return item == null ? null : item.unitPrice;
        }

        String region(SaleEvent e) {
            ReferenceVersion store = inForce(ReferenceField.Kind.STORE, e.storeId, e.timestampMs);
            return store == null ? ReferenceField.UNKNOWN_REGION : store.region;
        }
    }

    /** A window's sums; revenue and unpriced sales take part in comparisons only when the oracle knows the prices. */
    private static final class WindowSums {
        long units;
        long events;
        BigDecimal revenue = BigDecimal.ZERO;
        long unpriced;

        String describe(boolean withRevenue) {
            return units + " units, " + events + " events"
                    + (withRevenue
                            ? ", revenue " + revenue.stripTrailingZeros().toPlainString() + ", " + unpriced
                                    + " unpriced"
                            : "");
        }
    }

    /**
     * {@code reference}: the reference log when the job joined it, whose rejected records are dead letters too;
     * {@code catalog}: the prices the join must have found, when the job read the reference data before the sales.
     */
    private static void assertOutputsMatchTheLog(
            ScheduledLog<SourceRecord> log,
            ScheduledLog<ReferenceRecord> reference,
            ReferenceOracle catalog,
            CollectedOutputs outputs) {
        List<SaleEvent> valid = new ArrayList<>();
        Set<String> rejected = new HashSet<>();
        Set<String> lateByTheLog = new HashSet<>();
        for (int p = 0; p < log.partitions(); p++) {
            long highest = Long.MIN_VALUE;
            for (SourceRecord record : log.partition(p)) {
                if (!record.isValid()) {
                    rejected.add(position(record.deadLetter));
                    continue;
                }
                SaleEvent e = record.event;
                if (highest != Long.MIN_VALUE
                        && e.timestampMs + LATENESS.toMillis() < highest - OUT_OF_ORDERNESS.toMillis() - 1) {
                    lateByTheLog.add(e.eventId());
                }
                highest = Math.max(highest, e.timestampMs);
                valid.add(e);
            }
        }

        if (reference != null) {
            reference.partition(0).stream()
                    .filter(record -> !record.isValid())
                    .forEach(record -> rejected.add(position(record.deadLetter)));
        }
        List<DeadLetter> deadLetters = outputs.envelopes("dlq");
        assertThat(deadLetters)
                .extracting(WholeChainSchedulesTest::position)
                .as("dead letters, each once")
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(rejected);

        List<LateEvent> late = outputs.envelopes("late");
        assertThat(late)
                .extracting(l -> l.event.eventId())
                .as("late events, each once")
                .doesNotHaveDuplicates();
        assertThat(late)
                .filteredOn(l -> l.reason.equals(LateReason.BEHIND_ITS_PARTITION.code()))
                .extracting(l -> l.event.eventId())
                .as("the events behind their own partition by more than the lateness")
                .containsExactlyInAnyOrderElementsOf(lateByTheLog);
        assertThat(late)
                .filteredOn(l -> !l.reason.equals(LateReason.BEHIND_ITS_PARTITION.code()))
                .allSatisfy(l -> {
                    assertThat(l.reason).isEqualTo(LateReason.BEHIND_THE_WATERMARK_AFTER_IDLE.code());
                    assertThat(lateByTheLog).doesNotContain(l.event.eventId());
                });
        Set<String> lateIds = new HashSet<>();
        late.forEach(l -> lateIds.add(l.event.eventId()));

        assertThat(outputs.finalRowsLost())
                .as("final rows replaced by early ones")
                .isEmpty();
        assertRecordViews(valid, reference != null, catalog, late, outputs);

        List<SaleEvent> counted =
                valid.stream().filter(e -> !lateIds.contains(e.eventId())).toList();
        List<LatePartial> closedWindows = outputs.envelopes("late-partials");
        assertWindows(
                ViewTable.STORE_SALES_PER_MINUTE,
                STORE_WINDOW,
                e -> e.storeId,
                partial -> partial.storeId,
                counted,
                closedWindows,
                catalog,
                reference != null,
                outputs);
        assertWindows(
                ViewTable.ITEM_SALES_PER_HOUR,
                HOUR_WINDOW,
                e -> e.itemName,
                partial -> partial.itemName,
                counted,
                closedWindows,
                catalog,
                reference != null,
                outputs);
        assertTopItems(counted, closedWindows, catalog, reference != null, outputs);
        if (reference == null) {
            assertThat(outputs.table(ViewTable.REGION_SALES_PER_HOUR.table()))
                    .as("the plain logic has no regions")
                    .isEmpty();
        } else if (catalog != null) {
            assertWindows(
                    ViewTable.REGION_SALES_PER_HOUR,
                    HOUR_WINDOW,
                    catalog::region,
                    partial -> partial.region,
                    counted,
                    closedWindows,
                    catalog,
                    true,
                    outputs);
        } else {
            assertRegionsCountEverySale(counted, closedWindows, outputs);
        }
    }

    /**
     * When the reference data was read along with the sales, which region a sale joined depends on the schedule
     * (the directory's versions are not published before they take effect); each is counted once all the same.
     */
    private static void assertRegionsCountEverySale(
            List<SaleEvent> counted, List<LatePartial> closedWindows, CollectedOutputs outputs) {
        long units = 0;
        long events = 0;
        for (Tuple row : outputs.table(ViewTable.REGION_SALES_PER_HOUR.table()).values()) {
            assertThat(endsFinal(ViewTable.REGION_SALES_PER_HOUR, row))
                    .as("region_sales_per_hour %s ends final", row)
                    .isTrue();
            units += row.<Long>getField(4);
            events += row.<Long>getField(5);
        }
        for (LatePartial envelope : closedWindows) {
            if (envelope.view.equals(ViewTable.REGION_SALES_PER_HOUR.table())) {
                units += envelope.partial.units;
                events += envelope.partial.events;
            }
        }
        assertThat(units + " units, " + events + " events")
                .as("region_sales_per_hour: final rows plus closed-window envelopes = every counted sale")
                .isEqualTo(counted.stream().mapToLong(e -> e.itemSold).sum() + " units, " + counted.size() + " events");
    }

    /**
     * @param enriched whether the rows are the enriched logic's, whose store-day rows carry the store's region
     * @param catalog the regions in force, when the job read the reference data before the sales
     */
    private static void assertRecordViews(
            List<SaleEvent> valid,
            boolean enriched,
            ReferenceOracle catalog,
            List<LateEvent> late,
            CollectedOutputs outputs) {
        Map<String, String> regions = new HashMap<>();
        for (Tuple row : outputs.table(ViewTable.SALES_BY_STORE_DAY.table()).values()) {
            assertThat(row.getArity())
                    .as("a store-day row, its TTL and its write timestamp")
                    .isEqualTo(enriched ? 10 : 9);
            regions.put(row.getField(3), enriched ? row.getField(7) : "");
        }
        assertThat(regions.keySet())
                .as("sales_by_store_day: every valid event")
                .containsExactlyInAnyOrderElementsOf(
                        valid.stream().map(SaleEvent::eventId).toList());
        if (enriched) {
            Map<String, String> expected = new HashMap<>();
            valid.forEach(
                    e -> expected.put(e.eventId(), catalog == null ? regions.get(e.eventId()) : catalog.region(e)));
            assertThat(regions)
                    .as("sales_by_store_day: each sale's region in force at its event time, late ones' too ("
                            + late.size() + " late)")
                    .doesNotContainValue(null)
                    .isEqualTo(expected);
        }

        Comparator<SaleEvent> newestSale = Comparator.<SaleEvent>comparingLong(e -> e.timestampMs)
                .thenComparingInt(e -> e.sourcePartition)
                .thenComparingLong(e -> e.sourceOffset);
        Map<String, SaleEvent> newest = new TreeMap<>();
        valid.forEach(e -> newest.merge(e.itemId, e, BinaryOperator.maxBy(newestSale)));
        Map<String, String> expected = new TreeMap<>();
        newest.forEach((item, e) -> expected.put(item, e.storeId + "/" + e.timestampMs + "/" + e.itemSold));
        Map<String, String> actual = new TreeMap<>();
        outputs.table(ViewTable.ITEM_SALES.table())
                .values()
                .forEach(row -> actual.put(
                        row.getField(0),
                        row.getField(2) + "/" + ((Date) row.getField(3)).getTime() + "/" + row.getField(6)));
        assertThat(actual).as("item_sales: each item's newest sale").isEqualTo(expected);
    }

    /**
     * @param catalog the prices in force, to recount revenue with; null when the join's prices depend on the schedule
     * @param enriched whether the rows are the enriched logic's, with revenue and unpriced sales
     */
    private static void assertWindows(
            ViewTable view,
            Duration size,
            java.util.function.Function<SaleEvent, String> keyOf,
            java.util.function.Function<TallyPartial, String> partialKeyOf,
            List<SaleEvent> counted,
            List<LatePartial> closedWindows,
            ReferenceOracle catalog,
            boolean enriched,
            CollectedOutputs outputs) {
        Map<String, WindowSums> recount = new TreeMap<>();
        for (SaleEvent e : counted) {
            WindowSums sums = recount.computeIfAbsent(
                    keyOf.apply(e) + "@" + windowStart(e.timestampMs, size), k -> new WindowSums());
            sums.units += e.itemSold;
            sums.events++;
            BigDecimal price = catalog == null ? null : catalog.unitPrice(e);
            if (price == null) {
                sums.unpriced++;
            } else {
                sums.revenue = sums.revenue.add(price.multiply(BigDecimal.valueOf(e.itemSold)));
            }
        }
        Map<String, WindowSums> written = new TreeMap<>();
        for (Tuple row : outputs.table(view.table()).values()) {
            String key = row.getField(0) + "@" + ((Date) row.getField(2)).getTime();
            assertThat(endsFinal(view, row))
                    .as("%s %s ends final", view.table(), key)
                    .isTrue();
            assertThat(row.getArity())
                    .as("%s: the enriched logic's row, its TTL and its write timestamp", view.table())
                    .isEqualTo(enriched ? 11 : 9);
            WindowSums sums = new WindowSums();
            sums.units = row.<Long>getField(4);
            sums.events = row.<Long>getField(5);
            if (enriched) {
                sums.revenue = row.getField(7);
                sums.unpriced = row.<Long>getField(8);
                assertThat(sums.unpriced)
                        .as("%s %s: unpriced sales among its sales", view.table(), key)
                        .isBetween(0L, sums.events);
            }
            written.put(key, sums);
        }
        for (LatePartial envelope : closedWindows) {
            if (envelope.view.equals(view.table())) {
                String key = partialKeyOf.apply(envelope.partial) + "@" + envelope.partial.windowStartMs;
                WindowSums sums = written.computeIfAbsent(key, k -> new WindowSums());
                sums.units += envelope.partial.units;
                sums.events += envelope.partial.events;
                sums.revenue = sums.revenue.add(envelope.partial.revenue);
                sums.unpriced += envelope.partial.unpricedEvents;
            }
        }
        boolean withRevenue = catalog != null;
        Map<String, String> expected = new TreeMap<>();
        recount.forEach((k, v) -> expected.put(k, v.describe(withRevenue)));
        Map<String, String> actual = new TreeMap<>();
        written.forEach((k, v) -> actual.put(k, v.describe(withRevenue)));
        assertThat(actual)
                .as("%s: final rows plus closed-window envelopes = the log's recount", view.table())
                .isEqualTo(expected);
    }

    /**
     * @param catalog the prices in force, to recount each ranked item's revenue with; null when they depend on the
     *     schedule
     * @param enriched whether the ranks are the enriched logic's, with category and revenue
     */
    private static void assertTopItems(
            List<SaleEvent> counted,
            List<LatePartial> closedWindows,
            ReferenceOracle catalog,
            boolean enriched,
            CollectedOutputs outputs) {
        Map<String, Map<String, WindowSums>> sums = new TreeMap<>();
        for (SaleEvent e : counted) {
            WindowSums item = sums.computeIfAbsent(
                            e.storeId + "@" + windowStart(e.timestampMs, HOUR_WINDOW), k -> new HashMap<>())
                    .computeIfAbsent(e.itemName, k -> new WindowSums());
            item.units += e.itemSold;
            BigDecimal price = catalog == null ? null : catalog.unitPrice(e);
            if (price != null) {
                item.revenue = item.revenue.add(price.multiply(BigDecimal.valueOf(e.itemSold)));
            }
        }
        for (LatePartial envelope : closedWindows) {
            if (envelope.view.equals(ViewTable.TOP_ITEMS_PER_STORE_HOUR.table())) {
                WindowSums item = sums.get(envelope.partial.storeId + "@" + envelope.partial.windowStartMs)
                        .get(envelope.partial.itemName);
                item.units -= envelope.partial.units;
                item.revenue = item.revenue.subtract(envelope.partial.revenue);
            }
        }
        boolean withRevenue = catalog != null;
        Map<String, String> expected = new TreeMap<>();
        sums.forEach((window, perItem) -> {
            List<Map.Entry<String, WindowSums>> ranked = new ArrayList<>(perItem.entrySet().stream()
                    .filter(en -> en.getValue().units > 0)
                    .toList());
            ranked.sort(Comparator.<Map.Entry<String, WindowSums>>comparingLong(en -> en.getValue().units)
                    .reversed()
                    .thenComparing(Map.Entry::getKey));
            for (int rank = 1; rank <= TOP_N && rank <= ranked.size(); rank++) {
                Map.Entry<String, WindowSums> item = ranked.get(rank - 1);
                expected.put(
                        window + "#" + rank,
                        rankOf(item.getKey(), item.getValue().units, item.getValue().revenue, withRevenue));
            }
        });
        Map<String, String> actual = new TreeMap<>();
        for (Tuple row :
                outputs.table(ViewTable.TOP_ITEMS_PER_STORE_HOUR.table()).values()) {
            String key = row.getField(0) + "@" + ((Date) row.getField(2)).getTime() + "#" + row.getField(3);
            assertThat(endsFinal(ViewTable.TOP_ITEMS_PER_STORE_HOUR, row))
                    .as("rank %s ends final", key)
                    .isTrue();
            assertThat(row.getArity())
                    .as("rank %s: the enriched logic's row, its TTL and its write timestamp", key)
                    .isEqualTo(enriched ? 11 : 9);
            BigDecimal revenue = enriched ? row.getField(8) : BigDecimal.ZERO;
            if (enriched) {
                assertThat(row.<String>getField(7))
                        .as("rank %s: a category exactly when a sale of the item had a price", key)
                        .isEqualTo(revenue.signum() > 0 ? "fruit" : null);
            }
            actual.put(key, rankOf(row.getField(4), row.getField(5), revenue, withRevenue));
        }
        assertThat(actual)
                .as("top_items_per_store_hour: the ranking of the log's recount")
                .isEqualTo(expected);
    }

    private static String rankOf(String itemName, long units, BigDecimal revenue, boolean withRevenue) {
        return itemName + " " + units
                + (withRevenue ? ", revenue " + revenue.stripTrailingZeros().toPlainString() : "");
    }

    private static long windowStart(long timestampMs, Duration size) {
        return Math.floorDiv(timestampMs, size.toMillis()) * size.toMillis();
    }
}
