package io.salespipeline.e2e.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.salespipeline.contract.Topic;
import io.salespipeline.e2e.Await;
import io.salespipeline.e2e.LoopbackClients;
import io.salespipeline.e2e.OwnStackPorts;
import io.salespipeline.testkit.StackScript;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three replay paths a data engineer takes, through {@code ./replay} on a real session cluster: deploy, savepoint
 * restart with a new jar mid-stream, reprocess into version 2 (at parallelism 1) while events keep arriving and switch
 * readers, roll back, retire, reprocess into version 3 at parallelism 4: both reprocesses send the live run's late
 * events to the late topic, no other. It runs a stack of its own (own home and ports), because replay owns the control
 * keyspace, the view keyspaces and the log topic of that stack.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplayIT {

    private static final OwnStackPorts PORTS = new OwnStackPorts(29);

    private static final Duration LONG = Duration.ofMinutes(6);
    private static final long BASE_MS = 1_700_000_000_000L;
    private static final long EVENT_SPACING_MS = 50;
    private static final int STORES = 5;
    private static final Pattern JOB = Pattern.compile("as job ([0-9a-f]{32})");

    @TempDir
    static Path home;

    private static StackScript stack;
    private static List<String> env;
    private static KafkaProducer<byte[], byte[]> producer;
    private static final AtomicInteger produced = new AtomicInteger();
    private static final AtomicBoolean producing = new AtomicBoolean();
    /** The events produced late, by index, with their event time: in the record views, in no window. */
    private static final Map<Integer, Long> LATE = new java.util.concurrent.ConcurrentHashMap<>();

    private static Thread background;

    @BeforeAll
    static void ownStack() {
        stack = new StackScript(StackScript.locateRepoRoot());
        env = List.of("STACK_HOME=" + home);
        StackScript.Result up = stack.run(LONG, true, env, upArguments());
        assertThat(up.exitCode()).as(up.output()).isZero();
        Properties props = new Properties();
        props.put("bootstrap.servers", PORTS.kafkaBootstrap());
        props.put("linger.ms", "5");
        producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stopEverything() throws InterruptedException {
        stopProducing();
        if (producer != null) {
            producer.close();
        }
        stack.run(LONG, true, env, "down", "--purge");
    }

    private static StackScript.Result replay(String... args) {
        List<String> full = new ArrayList<>(List.of("replay"));
        full.addAll(List.of(args));
        return stack.run(LONG, true, env, full.toArray(String[]::new));
    }

    /** Event i: a deterministic function of i, partition i % 4, event time ascending per partition. */
    private static void produce(int count) {
        for (int n = 0; n < count; n++) {
            int i = produced.getAndIncrement();
            send(i, BASE_MS + i * EVENT_SPACING_MS);
        }
        producer.flush();
    }

    /** Events 70 to 120 s behind the newest of their partition: beyond the 60 s lateness by the log alone. */
    private static void produceLate(int count) {
        for (int n = 0; n < count; n++) {
            int i = produced.getAndIncrement();
            long timestampMs = BASE_MS + i * EVENT_SPACING_MS - 70_000 - (n % 6) * 10_000;
            LATE.put(i, timestampMs);
            send(i, timestampMs);
        }
        producer.flush();
    }

    private static void send(int i, long timestampMs) {
        String json = "{\"item_id\": \"item-" + (i % 40) + "\", \"item_sold\": " + (i % 9 + 1)
                + ", \"item_name\": \"Item " + (i % 12) + "\", \"timestamp_ms\": \"" + timestampMs
                + "\", \"store_id\": \"Store " + (i % STORES) + "\"}";
        producer.send(new ProducerRecord<>("item_sales", i % 4, null, json.getBytes(StandardCharsets.UTF_8)));
    }

    private static void startProducing(int perSecond) {
        producing.set(true);
        background = new Thread(
                () -> {
                    while (producing.get()) {
                        produce(perSecond / 10);
                        try {
                            Thread.sleep(100);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "live-traffic");
        background.start();
    }

    private static void stopProducing() throws InterruptedException {
        producing.set(false);
        if (background != null) {
            background.join(10_000);
        }
    }

    @Test
    @Order(1)
    void deployRunsVersionOneAndStatusTellsTheTruth() throws Exception {
        produce(4_000);
        StackScript.Result deploy = replay("deploy");
        assertThat(deploy.exitCode()).as(deploy.output()).isZero();
        assertThat(deploy.output()).contains("deployed view version 1 as job");
        String jobId = jobIdIn(deploy.output());

        Await.until(
                Duration.ofMinutes(2), "version 1 to write all 4,000 events", () -> storeDayRows("sales_v1") == 4_000);
        StackScript.Result status = replay("status");
        assertThat(status.exitCode()).as(status.output()).isZero();
        assertThat(status.output())
                .contains("active version: 1")
                .containsPattern("1\\*\\s+" + jobId + "\\s+RUNNING")
                .contains("retention from event time: none (rows kept forever)");
        assertThat(replay("deploy").output()).contains("version 1 already has a running job " + jobId);
        assertThat(flinkGet("/jars"))
                .as("uploads of a deployed jar are removed: the job runs on the cluster's own copy")
                .contains("\"files\":[]");
    }

    @Test
    @Order(2)
    void savepointRestartWithANewJarMidStreamLosesAndRepeatsNothing() throws Exception {
        startProducing(300);
        Thread.sleep(3_000);
        Path changed = repackaged(jobJar(), home.resolve("sales-pipeline-job-changed.jar"));
        assertThat(sha256(changed)).as("another build").isNotEqualTo(sha256(jobJar()));
        StackScript.Result savepoint =
                replay("savepoint", "--jar", changed.toString(), "--", "--window.early-firing", "2s");
        assertThat(savepoint.exitCode()).as(savepoint.output()).isZero();
        assertThat(savepoint.output())
                .containsPattern("RUNNING, restored from savepoint \\S+savepoint-")
                .contains("jar " + sha256(changed).substring(0, 12))
                .contains("settings --window.early-firing 2s");
        Thread.sleep(3_000);
        stopProducing();
        int total = produced.get();
        Await.until(
                Duration.ofMinutes(2),
                "version 1 to write all " + total + " events",
                () -> storeDayRows("sales_v1") == total);
        assertFinalWindowsMatchTheLog("sales_v1");
    }

    @Test
    @Order(3)
    void reprocessBuildsVersionTwoWhileEventsArriveThenSwitchesReaders() throws Exception {
        startProducing(300);
        Thread.sleep(2_000);
        produceLate(12);
        // v1 runs at parallelism 2 and read these live; v2 reads the whole log at full speed on one subtask
        StackScript.Result reprocess = replay("reprocess", "--version", "2", "--parallelism", "1");
        stopProducing();
        assertThat(reprocess.exitCode()).as(reprocess.output()).isZero();
        assertThat(reprocess.output())
                .contains("catch-up:")
                .containsPattern("reprocessed [\\d,]+ events into sales_v2")
                .contains("readers now use version 2")
                .contains("version 1 stopped with savepoint")
                .as("a new version runs the newest build, not v1's jar")
                .contains("jar " + sha256(jobJar()).substring(0, 12));
        // lateness is a property of the log: the replay sends exactly the live run's events to the late topic
        assertThat(reprocess.output())
                .containsPattern("late events over the [\\d,]+ log events both versions committed: v1 12, v2 12; "
                        + "classified differently: 0\n");

        try (CqlSession cql = cql()) {
            assertThat(cql.execute("SELECT version, previous FROM sales.active_version WHERE view_name = 'sales'")
                            .one())
                    .satisfies(r -> assertThat(r.getInt("version")).isEqualTo(2))
                    .satisfies(r -> assertThat(r.getInt("previous")).isEqualTo(1));
            Row v1 = cql.execute("SELECT state, savepoint_path FROM sales.view_versions WHERE view_name = 'sales' "
                            + "AND version = 1")
                    .one();
            assertThat(v1.getString("state")).isEqualTo("stopped");
            assertThat(v1.getString("savepoint_path")).contains("savepoint-");
        }
        StackScript.Result status = replay("status");
        assertThat(status.output())
                .contains("active version: 2")
                .containsPattern("\\n1\\s+\\(no running job\\)\\s+stopped");

        int total = produced.get();
        Await.until(
                Duration.ofMinutes(2),
                "version 2 to write all " + total + " events",
                () -> storeDayRows("sales_v2") == total);
        assertFinalWindowsMatchTheLog("sales_v2");
        // v1 stopped at the switch: every window it closed must be exactly v2's
        Map<String, String> v1 = finalWindows("sales_v1");
        Map<String, String> v2 = finalWindows("sales_v2");
        assertThat(v1).isNotEmpty();
        v1.forEach((window, value) ->
                assertThat(v2.get(window)).as("window %s", window).isEqualTo(value));

        // the same check as a command: the views both versions settled agree row by row
        StackScript.Result agree = replay("diff", "1", "2");
        assertThat(agree.exitCode()).as(agree.output()).isZero();
        assertThat(agree.output())
                .contains("diff v1 v2 over event time before ", "the views agree")
                .containsPattern("store_sales_per_minute\\s+[1-9][\\d,]* rows compared, +[1-9][\\d,]* equal, +0 differ")
                .containsPattern("sales_by_store_day\\s+[1-9][\\d,]* rows compared");
        try (CqlSession cql = cql()) {
            Row settled = cql
                    .execute("SELECT store_id, window_date, window_start, units, WRITETIME(units) FROM "
                            + "sales_v2.store_sales_per_minute")
                    .all()
                    .stream()
                    .min(java.util.Comparator.comparing(r -> r.getInstant("window_start")))
                    .orElseThrow();
            // above the job's own write timestamp (final rows are written far above their early ones)
            long written = settled.getLong(4);
            String where = " WHERE store_id = ? AND window_date = ? AND window_start = ?";
            Object[] key = {settled.getString(0), settled.getLocalDate(1), settled.getInstant(2)};
            cql.execute(com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance(
                    "UPDATE sales_v2.store_sales_per_minute USING TIMESTAMP " + (written + 1) + " SET units = 999999"
                            + where,
                    key));
            StackScript.Result differ = replay("diff", "1", "2", "--json");
            assertThat(differ.exitCode()).as(differ.output()).isEqualTo(1);
            assertThat(differ.output())
                    .contains("\"agree\":false")
                    .contains("units " + settled.getLong(3) + " / 999999");
            cql.execute(com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance(
                    "UPDATE sales_v2.store_sales_per_minute USING TIMESTAMP " + (written + 2) + " SET units = "
                            + settled.getLong(3) + where,
                    key));
        }
    }

    @Test
    @Order(4)
    void failurePathsSayWhyAndExitNonZero() {
        StackScript.Result exists = replay("reprocess", "--version", "1");
        assertThat(exists.exitCode()).isEqualTo(1);
        assertThat(exists.errors())
                .containsExactly("replay: version 1 already exists (keyspace sales_v1): choose a new version, or "
                        + "retire it first");
        StackScript.Result active = replay("retire", "--version", "2", "--yes");
        assertThat(active.exitCode()).isEqualTo(1);
        assertThat(active.output()).contains("version 2 is the active version");
        StackScript.Result noJob = replay("savepoint", "--version", "7");
        assertThat(noJob.exitCode()).isEqualTo(1);
        assertThat(noJob.output()).contains("no running job for view version 7");
        StackScript.Result noCluster = replay("status", "--flink-rest", "http://127.0.0.1:1");
        assertThat(noCluster.exitCode()).isEqualTo(1);
        assertThat(noCluster.output()).contains("no Flink cluster answers at http://127.0.0.1:1");
        assertThat(replay("reprocess").exitCode()).isEqualTo(2);
        // a setting the job refuses comes back from the cluster's REST API as its own one-line reason
        StackScript.Result badValue = replay("deploy", "--version", "9", "--", "--window.store", "banana");
        assertThat(badValue.exitCode()).isEqualTo(1);
        assertThat(badValue.errors())
                .singleElement()
                .asString()
                .startsWith("replay: starting the job failed (HTTP 400): --window.store 'banana' is invalid: "
                        + "expected a duration such as 500ms, 5s, 1min, 1h [full answer: ")
                .doesNotContain("Caused by", "RestHandlerException");
        StackScript.Result unknown = replay("deploy", "--version", "9", "--", "--window.sizes", "1min");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.errors())
                .singleElement()
                .asString()
                .startsWith("replay: starting the job failed (HTTP 400): unknown setting --window.sizes (see "
                        + "--help for the list) [full answer: ");
    }

    @Test
    @Order(5)
    void rollbackRestartsVersionOneFromItsSavepointAndRetireDropsVersionTwo() {
        StackScript.Result rollback = replay("rollback");
        assertThat(rollback.exitCode()).as(rollback.output()).isZero();
        assertThat(rollback.output())
                .contains("readers now use version 1 (was 2)")
                .containsPattern("version 1 restarted as job [0-9a-f]{32} from savepoint")
                .as("v1 runs its own code again: the jar and settings of its last start, not the newest build")
                .contains("jar "
                        + sha256(home.resolve("sales-pipeline-job-changed.jar")).substring(0, 12))
                .contains("settings --window.early-firing 2s");

        StackScript.Result retire = replay("retire", "--version", "2", "--yes");
        assertThat(retire.exitCode()).as(retire.output()).isZero();
        try (CqlSession cql = cql()) {
            assertThat(cql.execute("SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = 'sales_v2'")
                            .one())
                    .isNull();
            assertThat(cql.execute("SELECT state FROM sales.view_versions WHERE view_name = 'sales' AND version = 2")
                            .one()
                            .getString(0))
                    .isEqualTo("retired");
            assertThat(cql.execute("SELECT to_version FROM sales.switch_history WHERE view_name = 'sales'")
                            .all())
                    .extracting(r -> r.getInt(0))
                    .containsExactly(1, 2);
            assertThat(cql.execute("SELECT version FROM sales.active_version WHERE view_name = 'sales'")
                            .one()
                            .getInt(0))
                    .isEqualTo(1);
        }
        StackScript.Result status = replay("status");
        assertThat(status.output())
                .containsPattern("1\\*\\s+[0-9a-f]{32}\\s+RUNNING")
                .contains("jar " + sha256(home.resolve("sales-pipeline-job-changed.jar")) + " (built ")
                .doesNotContainPattern("\\n2\\s+[0-9a-f]{32}\\s+RUNNING");
    }

    @Test
    @Order(6)
    void aReprocessAtParallelismFourClassifiesTheSameEventsLate() {
        // the log now holds the 12 late events read live at parallelism 2; version 3 reads it all at full speed on four
        // subtasks
        StackScript.Result reprocess = replay("reprocess", "--version", "3", "--parallelism", "4");
        assertThat(reprocess.exitCode()).as(reprocess.output()).isZero();
        assertThat(reprocess.output())
                .containsPattern("late events over the [\\d,]+ log events both versions committed: v1 12, v3 12; "
                        + "classified differently: 0\n")
                .contains("readers now use version 3");
        int total = produced.get();
        Await.until(
                Duration.ofMinutes(2),
                "version 3 to write all " + total + " events",
                () -> storeDayRows("sales_v3") == total);
        assertFinalWindowsMatchTheLog("sales_v3");
    }

    /** Items 0-39 cost (n + 1) x 0.25 from a day before the log; item 1 costs 9.99 from this time on. */
    private static final long LISTED_FROM_MS = BASE_MS - 86_400_000L;

    private static final long REPRICED_FROM_MS = BASE_MS + 200_000;

    private static BigDecimal unitPrice(int item, long timestampMs) {
        return item == 1 && timestampMs >= REPRICED_FROM_MS
                ? new BigDecimal("9.99")
                : BigDecimal.valueOf(item + 1).multiply(new BigDecimal("0.25"));
    }

    private static void publishReferenceData() throws Exception {
        List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
        for (int item = 0; item < 40; item++) {
            acks.add(sendReference(
                    Topic.ITEM_CATALOG, "item-" + item, LISTED_FROM_MS, unitPrice(item, LISTED_FROM_MS), null));
        }
        acks.add(sendReference(Topic.ITEM_CATALOG, "item-1", REPRICED_FROM_MS, unitPrice(1, REPRICED_FROM_MS), null));
        // Store 4 is not in the directory: its sales count under region unknown
        for (int store = 0; store < STORES - 1; store++) {
            acks.add(sendReference(
                    Topic.STORE_DIRECTORY, "Store " + store, LISTED_FROM_MS, null, "Region " + store % 2));
        }
        for (java.util.concurrent.Future<?> ack : acks) {
            ack.get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static java.util.concurrent.Future<?> sendReference(
            Topic topic, String id, long effectiveFromMs, BigDecimal price, String region) {
        String value = topic == Topic.ITEM_CATALOG
                ? "{\"item_id\": \"" + id + "\", \"category\": \"Things\", \"unit_price\": \"" + price.toPlainString()
                        + "\", \"currency\": \"EUR\", \"effective_from\": " + effectiveFromMs + "}"
                : "{\"store_id\": \"" + id + "\", \"region\": \"" + region + "\", \"city\": \"Town\", "
                        + "\"effective_from\": " + effectiveFromMs + "}";
        return producer.send(new ProducerRecord<>(
                topic.defaultName(),
                Topic.referenceKey(id, effectiveFromMs).getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    @Order(7)
    void theEnrichedLogicIsAReprocessDiffedOnTheSharedColumnsBeforeTheSwitch() throws Exception {
        publishReferenceData();
        // the enriched logic comes in another build than the serving version's
        Path enrichedJar = home.resolve("sales-pipeline-job-changed.jar");
        assertThat(sha256(enrichedJar)).isNotEqualTo(sha256(jobJar()));
        StackScript.Result reprocess = replay(
                "reprocess",
                "--version",
                "4",
                "--jar",
                enrichedJar.toString(),
                "--no-switch",
                "--",
                "--enrichment",
                "true");
        assertThat(reprocess.exitCode()).as(reprocess.output()).isZero();
        assertThat(reprocess.output())
                .containsPattern("reprocessed [\\d,]+ events into sales_v4")
                .contains("jar " + sha256(enrichedJar).substring(0, 12))
                .contains("settings --enrichment true")
                .doesNotContain("readers now use version 4");
        int total = produced.get();
        Await.until(
                Duration.ofMinutes(2),
                "version 4 to write all " + total + " events",
                () -> storeDayRows("sales_v4") == total);
        assertFinalWindowsMatchTheLog("sales_v4");
        Map<String, Long> expectedStoreDayRegions = new java.util.TreeMap<>();
        for (int i = 0; i < total; i++) {
            int store = i % STORES;
            expectedStoreDayRegions.merge(
                    "Store " + store + " in " + (store == STORES - 1 ? "unknown" : "Region " + store % 2),
                    1L,
                    Long::sum);
        }
        try (CqlSession cql = cql()) {
            Map<String, Long> storeDayRegions = new java.util.TreeMap<>();
            for (Row r : cql.execute("SELECT store_id, region FROM sales_v4.sales_by_store_day")) {
                storeDayRegions.merge(r.getString(0) + " in " + r.getString(1), 1L, Long::sum);
            }
            assertThat(storeDayRegions)
                    .as(
                            "version 4's sales_by_store_day: every sale with its store's region, the %d late ones too",
                            LATE.size())
                    .isEqualTo(expectedStoreDayRegions);
        }

        BigDecimal expected = BigDecimal.ZERO;
        long unpricedExpected = 0;
        for (int i = 0; i < total; i++) {
            if (!LATE.containsKey(i)) {
                expected = expected.add(
                        unitPrice(i % 40, BASE_MS + i * EVENT_SPACING_MS).multiply(BigDecimal.valueOf(i % 9 + 1)));
            }
        }
        BigDecimal expectedRevenue = expected;
        Map<String, Long> expectedRegionUnits = new java.util.TreeMap<>();
        for (int i = 0; i < total; i++) {
            if (!LATE.containsKey(i)) {
                int store = i % STORES;
                expectedRegionUnits.merge(
                        store == STORES - 1 ? "unknown" : "Region " + store % 2, (long) (i % 9 + 1), Long::sum);
            }
        }
        Await.until(Duration.ofMinutes(2), "version 4's revenue to be the log's, " + expectedRevenue, () -> {
            BigDecimal revenue = BigDecimal.ZERO;
            try (CqlSession cql = cql()) {
                for (Row r : cql.execute("SELECT revenue FROM sales_v4.store_sales_per_minute")) {
                    revenue = revenue.add(r.getBigDecimal(0));
                }
            }
            return revenue.compareTo(expectedRevenue) == 0;
        });
        Await.until(
                Duration.ofMinutes(2), "version 4's units per region to be the log's, " + expectedRegionUnits, () -> {
                    Map<String, Long> regionUnits = new java.util.TreeMap<>();
                    try (CqlSession cql = cql()) {
                        for (Row r : cql.execute("SELECT region, units FROM sales_v4.region_sales_per_hour")) {
                            regionUnits.merge(r.getString(0), r.getLong(1), Long::sum);
                        }
                    }
                    return regionUnits.equals(expectedRegionUnits);
                });
        try (CqlSession cql = cql()) {
            long unpriced = 0;
            for (Row r : cql.execute("SELECT unpriced_events FROM sales_v4.item_sales_per_hour")) {
                unpriced += r.getLong(0);
            }
            assertThat(unpriced).as("every item is priced").isEqualTo(unpricedExpected);
            assertThat(cql.execute("SELECT column_name FROM system_schema.columns WHERE keyspace_name = 'sales_v3' "
                                    + "AND table_name = 'store_sales_per_minute' AND column_name = 'revenue'")
                            .one())
                    .as("a plain version's keyspace has no enriched column")
                    .isNull();
        }

        StackScript.Result diff = replay("diff", "3", "4");
        assertThat(diff.exitCode()).as(diff.output()).isZero();
        assertThat(diff.output())
                .contains("the views agree")
                .containsPattern(
                        "store_sales_per_minute\\s+[1-9][\\d,]* rows compared, +[1-9][\\d,]* equal, +0 differ; "
                                + "columns only in v4: \\[revenue, unpriced_events]")
                .containsPattern("sales_by_store_day\\s+[1-9][\\d,]* rows compared, +[1-9][\\d,]* equal, +0 differ; "
                        + "columns only in v4: \\[region]")
                .contains("views only in v4: [region_sales_per_hour]");

        StackScript.Result toEnriched = replay("switch", "--version", "4");
        assertThat(toEnriched.exitCode()).as(toEnriched.output()).isZero();
        String day = java.time.LocalDate.ofInstant(java.time.Instant.ofEpochMilli(BASE_MS), java.time.ZoneOffset.UTC)
                .toString();
        StackScript.Result views =
                stack.run(LONG, true, env, "views", "store-minutes", "--store", "Store 1", "--day", day, "--json");
        assertThat(views.exitCode()).as(views.output()).isZero();
        assertThat(views.output()).contains("\"keyspace\":\"sales_v4\"").contains("\"revenue\":");
        StackScript.Result regions =
                stack.run(LONG, true, env, "views", "region-hours", "--region", "Region 1", "--day", day, "--json");
        assertThat(regions.exitCode()).as(regions.output()).isZero();
        assertThat(regions.output()).contains("\"region\":\"Region 1\"").contains("\"revenue\":");
        StackScript.Result ranks =
                stack.run(LONG, true, env, "views", "top-items", "--store", "Store 1", "--day", day, "--json");
        assertThat(ranks.exitCode()).as(ranks.output()).isZero();
        assertThat(ranks.output()).contains("\"category\":\"Things\"");

        StackScript.Result back = replay("rollback");
        assertThat(back.exitCode()).as(back.output()).isZero();
        assertThat(back.output()).contains("readers now use version 3 (was 4)");

        // each version's lost job comes back with its own code: v3 the plain logic of the newest build, v4 the
        // enriched logic of the other one
        assertResumesWithItsOwnCode(3, jobJar(), false);
        assertResumesWithItsOwnCode(4, enrichedJar, true);
        StackScript.Result after = replay("diff", "3", "4");
        assertThat(after.exitCode())
                .as("both versions' views keep their values: " + after.output())
                .isZero();
    }

    /**
     * A reprocess builds a version from the whole log: once deleteRecords (or a retention) took the first offsets of
     * a partition, it refuses with one line, and with --from-earliest-available builds from what is left and says
     * which offsets were missing.
     */
    @Test
    @Order(8)
    void aReprocessOfALogThatLostItsFirstOffsetsIsRefusedUnlessToldToBuildFromWhatIsLeft() throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin =
                org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", PORTS.kafkaBootstrap()))) {
            admin.deleteRecords(Map.of(
                            new org.apache.kafka.common.TopicPartition(Topic.ITEM_SALES.defaultName(), 0),
                            org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(10)))
                    .all()
                    .get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        StackScript.Result refused = replay("reprocess", "--version", "5", "--no-switch");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.errors())
                .singleElement()
                .asString()
                .startsWith("replay: the log item_sales no longer starts at offset 0 (partition 0 from offset 10 "
                        + "(offsets 0-9 gone)): its history was deleted")
                .endsWith("--from-earliest-available builds it from what is left");
        try (CqlSession cql = cql()) {
            assertThat(cql.getMetadata().getKeyspace("sales_v5"))
                    .as("nothing was created")
                    .isEmpty();
        }

        // a retention is part of the version's logic: recorded with it, shown by status
        StackScript.Result fromWhatIsLeft = replay(
                "reprocess",
                "--version",
                "5",
                "--no-switch",
                "--from-earliest-available",
                "--",
                "--retention.sales_by_store_day",
                "3650d");
        assertThat(fromWhatIsLeft.exitCode()).as(fromWhatIsLeft.output()).isZero();
        assertThat(fromWhatIsLeft.output())
                .containsPattern("reprocessed [\\d,]+ events into sales_v5 .* from the earliest offsets available: "
                        + "partition 0 from offset 10 \\(offsets 0-9 gone\\)")
                .contains("readers still use version 3");
        assertThat(replay("status").output())
                .contains("retention from event time: item_sales none, sales_by_store_day 3650d, "
                        + "store_sales_per_minute none");
        try (CqlSession cql = cql()) {
            Row row = cql.execute("SELECT timestamp_ms, TTL(item_sold) FROM sales_v5.sales_by_store_day LIMIT 1")
                    .one();
            long eventTime = row.getInstant(0).toEpochMilli();
            long expected = (eventTime + Duration.ofDays(3650).toMillis() - System.currentTimeMillis()) / 1000;
            assertThat((long) row.getInt(1))
                    .as("a row's TTL ends at its event time plus the retention (within the 2 s of rounding up at the "
                            + "write and whole-second expiry)")
                    .isBetween(expected - 300, expected + 2);
        }
    }

    private static String recordedJob(int version) {
        try (CqlSession cql = cql()) {
            return cql.execute(
                            "SELECT job_id FROM sales.view_versions WHERE view_name = 'sales' AND version = " + version)
                    .one()
                    .getString(0);
        }
    }

    private static void assertResumesWithItsOwnCode(int version, Path jar, boolean enriched) throws Exception {
        String jobId = recordedJob(version);
        java.net.http.HttpResponse<String> cancel = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create(PORTS.flinkRest() + "/jobs/" + jobId + "?mode=cancel"))
                                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.noBody())
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(cancel.statusCode())
                .as("cancelling v%d's job: %s", version, cancel.body())
                .isEqualTo(202);
        Await.until(
                Duration.ofMinutes(1),
                "v" + version + "'s job " + jobId + " to be cancelled",
                () -> LoopbackClients.get(PORTS.flinkRest() + "/jobs/" + jobId).contains("\"state\":\"CANCELED\""));

        StackScript.Result resume = replay("resume", "--version", String.valueOf(version));
        assertThat(resume.exitCode()).as(resume.output()).isZero();
        assertThat(resume.output())
                .contains("resuming view version " + version + " (jar "
                        + sha256(jar).substring(0, 12))
                .containsPattern("job [0-9a-f]{32} RUNNING after");
        String resumed = recordedJob(version);
        assertThat(resumed).isNotEqualTo(jobId);
        String graph = flinkGet("/jobs/" + resumed);
        if (enriched) {
            assertThat(graph).as("v%d's job graph", version).contains("Enrich sales");
        } else {
            assertThat(graph).as("v%d's job graph", version).doesNotContain("Enrich sales");
        }
    }

    // ------------------------------------------------------------------ the oracle

    /** Every final store-minute window must hold exactly what the log says: nothing lost, nothing twice. */
    private static void assertFinalWindowsMatchTheLog(String keyspace) {
        Map<String, String> expected = new HashMap<>();
        int total = produced.get();
        Map<String, long[]> sums = new HashMap<>();
        for (int i = 0; i < total; i++) {
            if (LATE.containsKey(i)) {
                continue;
            }
            long minute = (BASE_MS + i * EVENT_SPACING_MS) / 60_000 * 60_000;
            long[] s = sums.computeIfAbsent("Store " + (i % STORES) + "@" + minute, k -> new long[2]);
            s[0] += i % 9 + 1;
            s[1]++;
        }
        sums.forEach((k, s) -> expected.put(k, s[0] + "/" + s[1]));
        Map<String, String> actual = finalWindows(keyspace);
        assertThat(actual).as("final windows of " + keyspace).isNotEmpty();
        actual.forEach((window, value) ->
                assertThat(value).as("%s window %s", keyspace, window).isEqualTo(expected.get(window)));
    }

    /** "store@windowStartMs" → "units/events" of every final row of store_sales_per_minute. */
    private static Map<String, String> finalWindows(String keyspace) {
        Map<String, String> windows = new HashMap<>();
        try (CqlSession cql = cql()) {
            for (Row r : cql.execute("SELECT store_id, window_start, units, events, final FROM " + keyspace
                    + ".store_sales_per_minute")) {
                if (r.getBoolean("final")) {
                    windows.put(
                            r.getString("store_id") + "@"
                                    + r.getInstant("window_start").toEpochMilli(),
                            r.getLong("units") + "/" + r.getLong("events"));
                }
            }
        }
        return windows;
    }

    private static long storeDayRows(String keyspace) {
        try (CqlSession cql = cql()) {
            return cql.execute("SELECT count(*) FROM " + keyspace + ".sales_by_store_day")
                    .one()
                    .getLong(0);
        }
    }

    private static String flinkGet(String path) throws Exception {
        return LoopbackClients.get(PORTS.flinkRest() + path);
    }

    private static CqlSession cql() {
        return LoopbackClients.cql(PORTS.cassandra());
    }

    private static Path jobJar() {
        Path jar = Path.of(System.getProperty("job.jar", "target/sales-pipeline-job-1.0.0-SNAPSHOT.jar"));
        assertThat(jar).exists();
        return jar;
    }

    private static String jobIdIn(String output) {
        Matcher m = JOB.matcher(output);
        assertThat(m.find()).as(output).isTrue();
        return m.group(1);
    }

    private static String[] upArguments() {
        List<String> args = new java.util.ArrayList<>(List.of("up"));
        args.addAll(PORTS.upOptions());
        return args.toArray(String[]::new);
    }

    /** The same classes in a jar of other bytes (one more entry), as another build of unchanged code would be. */
    private static Path repackaged(Path jar, Path target) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar));
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                out.putNextEntry(new ZipEntry(entry.getName()));
                in.transferTo(out);
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry("META-INF/repackaged-by-ReplayIT.txt"));
            out.write("another build\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return target;
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
