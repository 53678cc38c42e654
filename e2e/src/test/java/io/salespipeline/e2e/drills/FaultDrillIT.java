package io.salespipeline.e2e.drills;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.salespipeline.e2e.LoopbackClients;
import io.salespipeline.e2e.OwnStackPorts;
import io.salespipeline.e2e.StackPidFiles;
import io.salespipeline.job.parse.PoisonCorpus;
import io.salespipeline.job.parse.RejectReason;
import io.salespipeline.testkit.StackScript;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault drills on a real session cluster of its own: under steady load, a server dies or goes away;
 * then the load stops, the windows are closed, and {@link LogAudit} checks every promise against
 * the log: nothing lost, nothing twice, every final window equal to a recount.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultDrillIT {

    private static final OwnStackPorts PORTS = new OwnStackPorts(24);

    private static final Duration LONG = Duration.ofMinutes(6);
    private static final long BASE_MS = 1_720_000_000_000L;
    /** Event time runs ten times faster than the load's wall clock, so minute windows close every 6 s. */
    private static final long EVENT_SPACING_MS = 25;

    private static final int PER_SECOND = 400;
    private static final int STORES = 5;
    private static final String[] MALFORMED = {
        "not json",
        "{\"item_id\": \"x\"}",
        "[1,2,3]",
        "{\"item_id\": \"a\", \"item_sold\": -4, \"item_name\": \"A\", \"timestamp_ms\": 1720000000000, "
                + "\"store_id\": \"s\"}",
        "{\"item_id\": \"a\", \"item_sold\": \"lots\", \"item_name\": \"A\", \"timestamp_ms\": 1720000000000, "
                + "\"store_id\": \"s\"}",
        "{\"item_id\": \"a\""
    };

    @TempDir
    static Path home;

    private static StackScript stack;
    private static List<String> env;
    private static KafkaProducer<byte[], byte[]> producer;
    private static final AtomicLong sequence = new AtomicLong();
    /** Pushed forward after each drill, past the closing events, so the next load is not late. */
    private static final AtomicLong eventTimeBase = new AtomicLong(BASE_MS);

    private static final AtomicBoolean loading = new AtomicBoolean();
    private static Thread load;

    @BeforeAll
    static void stackAndJob() {
        stack = new StackScript(StackScript.locateRepoRoot());
        env = List.of("STACK_HOME=" + home);
        StackScript.Result up = stack.run(LONG, true, env, upArguments());
        assertThat(up.exitCode()).as(up.output()).isZero();
        StackScript.Result deploy = stack.run(
                LONG, true, env, "replay", "deploy", "--jar", jobJar().toString(), "--", "--window.early-firing", "2s");
        assertThat(deploy.exitCode()).as(deploy.output()).isZero();
        Properties props = new Properties();
        props.put("bootstrap.servers", PORTS.kafkaBootstrap());
        props.put("linger.ms", "5");
        props.put("enable.idempotence", "true");
        props.put("acks", "all");
        props.put("delivery.timeout.ms", "300000");
        props.put("max.request.size", Integer.toString(10 * 1024 * 1024));
        producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stopEverything() throws InterruptedException {
        stopLoad();
        if (producer != null) {
            producer.close();
        }
        stack.run(LONG, true, env, "down", "--purge");
    }

    @Test
    @Order(0)
    @Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
    void poisonInNormalTrafficLandsInTheDeadLetterTopicWithItsOwnReasonAndNeverRestartsTheJob() throws Exception {
        List<PoisonCorpus.Poison> corpus = new ArrayList<>(PoisonCorpus.all());
        corpus.add(new PoisonCorpus.Poison(
                "a 3 MB message",
                ("{\"item_id\": \"" + "x".repeat(3 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8),
                RejectReason.OVERSIZE));
        // escaped as \u0001 in the dead letter, 3 MiB of control bytes would make an 18.9 MB envelope,
        // over what the dead-letter producer sends: the job would restart on this offset for ever
        byte[] controlBytes = new byte[3 * 1024 * 1024];
        Arrays.fill(controlBytes, (byte) 0x01);
        corpus.add(new PoisonCorpus.Poison("3 MiB of control bytes", controlBytes, RejectReason.OVERSIZE));
        // a till whose clock runs a day ahead, once on every partition among the steady load: were it
        // accepted, every later on-time event of its partition would go late and out of the windows;
        // it must be a dead letter of its own (poison i goes to partition i % 4: four reach every partition)
        for (int k = 0; k < 4; k++) {
            String aDayAhead = "{\"item_id\": \"clock-ahead-" + k
                    + "\", \"item_sold\": 1, \"item_name\": \"Plates\", \"timestamp_ms\": \""
                    + (System.currentTimeMillis() + 86_400_000L) + "\", \"store_id\": \"Hermitage - 1\"}";
            corpus.add(new PoisonCorpus.Poison(
                    "a valid sale stamped a day ahead (" + (k + 1) + " of 4)",
                    aDayAhead.getBytes(StandardCharsets.UTF_8),
                    RejectReason.TIMESTAMP_IN_FUTURE));
        }
        assertThat(corpus.stream().map(PoisonCorpus.Poison::label).distinct().count())
                .isGreaterThanOrEqualTo(40);
        Map<String, PoisonCorpus.Poison> sent = new HashMap<>();
        LogAudit.Findings findings = drill(() -> {
            for (int i = 0; i < corpus.size(); i++) {
                PoisonCorpus.Poison poison = corpus.get(i);
                try {
                    RecordMetadata at = producer.send(new ProducerRecord<>("item_sales", i % 4, null, poison.value()))
                            .get(60, TimeUnit.SECONDS);
                    sent.put(at.partition() + "-" + at.offset(), poison);
                } catch (Exception e) {
                    throw new AssertionError("could not send " + poison.label(), e);
                }
            }
        });
        sent.forEach(
                (position, poison) -> assertThat(findings.deadLetterReasons().get(position))
                        .as("dead letter of %s at %s", poison.label(), position)
                        .isEqualTo(poison.reason().code()));
        assertThat(flinkGet("/jobs/" + runningJobId() + "/exceptions"))
                .as("input never fails the job")
                .contains("\"entries\":[]");
    }

    @Test
    @Order(1)
    @Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
    void killTheTaskManagerMidStreamAndStartANewOne() throws Exception {
        drill(() -> {
            // the stack's two TaskManagers each run part of the job (evenly spread slots): the job
            // restarts on the other one, and ./stack up replaces the lost one
            kill9("flink-taskmanager-1");
            up();
        });
    }

    @Test
    @Order(2)
    @Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
    void stopCassandraForThirtySeconds() throws Exception {
        drill(() -> {
            terminate("cassandra");
            sleep(30_000);
            up();
        });
    }

    @Test
    @Order(3)
    @Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
    void restartTheKafkaBroker() throws Exception {
        drill(() -> {
            terminate("kafka");
            up();
        });
    }

    /**
     * The session cluster has no high availability: a JobManager killed with {@code kill -9} takes
     * the job with it. {@code ./stack up} starts a new JobManager (the TaskManager re-registers),
     * and {@code ./replay resume} starts the job again from the newest completed checkpoint the
     * lost job retained. The events after that checkpoint are read again; the Kafka transactions
     * the lost job left open are aborted by the restored one, so the audit still finds every offset
     * exactly once.
     */
    @Test
    @Order(4)
    @Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
    void killTheJobManagerAndResumeFromTheLatestCheckpoint() throws Exception {
        drill(() -> {
            String lostJob = runningJobId();
            StackScript.Result refused = stack.run(LONG, false, env, "replay", "resume");
            assertThat(refused.exitCode()).as(refused.output()).isEqualTo(1);
            assertThat(refused.errors())
                    .containsExactly("replay: version 1's job " + lostJob
                            + " is RUNNING: nothing to resume (a running job changes with ./replay savepoint)");
            long killed = System.nanoTime();
            Instant killedAt = Instant.now();
            kill9("flink-jobmanager");
            Map<Integer, Long> endAtKill = logEndOffsets();
            double killSeconds = (System.nanoTime() - killed) / 1e9;
            Map<Integer, Long> checkpointed = committedOffsets("sales-pipeline-v1");
            assertThat(flinkAnswers()).as("no JobManager answers after kill -9").isFalse();

            up();
            double upSeconds = (System.nanoTime() - killed) / 1e9;
            StackScript.Result resume = stack.run(
                    LONG,
                    true,
                    env,
                    "replay",
                    "resume",
                    "--jar",
                    jobJar().toString(),
                    "--",
                    "--window.early-firing",
                    "2s");
            double runningSeconds = (System.nanoTime() - killed) / 1e9;
            assertThat(resume.exitCode()).as(resume.output()).isZero();

            Matcher restored = Pattern.compile("job ([0-9a-f]{32}) RUNNING after [0-9.]+ s, restored from (\\S+);")
                    .matcher(resume.output());
            assertThat(restored.find()).as(resume.output()).isTrue();
            String newJob = restored.group(1);
            assertThat(newJob).isNotEqualTo(lostJob).isEqualTo(runningJobId());
            Matcher checkpoint = Pattern.compile("/" + lostJob + "/chk-(\\d+)$").matcher(restored.group(2));
            assertThat(checkpoint.find())
                    .as("restored from a checkpoint of the lost job %s: %s", lostJob, restored.group(2))
                    .isTrue();
            assertThat(flinkGet("/jobs/" + newJob + "/checkpoints"))
                    .contains("/" + lostJob + "/chk-" + checkpoint.group(1) + "\"");
            Instant checkpointAt = modified(home.resolve("data/flink/checkpoints")
                    .resolve(lostJob)
                    .resolve("chk-" + checkpoint.group(1))
                    .resolve("_metadata"));
            assertThat(checkpointAt).isBefore(killedAt);

            long reread = 0;
            for (Map.Entry<Integer, Long> end : endAtKill.entrySet()) {
                reread += end.getValue() - checkpointed.getOrDefault(end.getKey(), 0L);
            }
            System.out.printf(
                    Locale.ROOT,
                    "JobManager drill: killed job %s (kill -9 and exit %.1f s); ./stack up done %.1f s after the kill; "
                            + "./replay resume: job %s RUNNING %.1f s after the kill, restored from chk-%s, "
                            + "completed %.1f s before the kill; "
                            + "%d events between that checkpoint's offsets and the log end at the kill (read again)%n",
                    lostJob,
                    killSeconds,
                    upSeconds,
                    newJob,
                    runningSeconds,
                    checkpoint.group(1),
                    Duration.between(checkpointAt, killedAt).toMillis() / 1e3,
                    reread);
        });
    }

    /** Load, fault, load, stop, close the windows, then audit the whole log until it holds or time runs out. */
    private static LogAudit.Findings drill(Runnable fault) throws Exception {
        LogAudit.Findings findings;
        try (FinalityWatch watch =
                new FinalityWatch(new InetSocketAddress("127.0.0.1", PORTS.cassandra()), "sales_v1")) {
            startLoad();
            Thread.sleep(12_000);
            // at any moment of the load, windows closed in the last minute of event time are final and
            // within their lateness, and events 30 s behind keep changing them: the fault lands in between
            fault.run();
            Thread.sleep(12_000);
            stopLoad();
            closeWindows();

            long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
            findings = audit();
            while (!findings.problems().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5_000);
                findings = audit();
            }
            System.out.printf(
                    "audit: %d log records, %d valid, %d dead letters, %d late, %d final windows, %d problems; "
                            + "views polled %d times, %d rows read final, %d read final and then not%n",
                    findings.logRecords(),
                    findings.valid(),
                    findings.deadLetters(),
                    findings.late(),
                    findings.finalWindows(),
                    findings.problems().size(),
                    watch.polls(),
                    watch.finalRowsSeen(),
                    watch.regressions().size());
            assertThat(watch.regressions())
                    .as("rows read final, then not final")
                    .isEmpty();
            assertThat(watch.finalRowsSeen()).isPositive();
        }
        if (!findings.problems().isEmpty()) {
            keepTheStackLogs();
        }
        assertThat(findings.problems())
                .as("promises broken; the output topics' transactions: %s", transactionalState())
                .isEmpty();
        assertThat(findings.deadLetters()).isPositive();
        assertThat(findings.late()).isPositive();
        assertThat(findings.finalWindows()).isPositive();
        StackScript.Result status = stack.run(LONG, false, env, "replay", "status");
        assertThat(status.output()).containsPattern("1\\*\\s+[0-9a-f]{32}\\s+RUNNING");
        return findings;
    }

    /**
     * For a broken promise: per partition of the dead-letter and late topics, how far the last
     * stable offset (what read_committed consumers see) is behind the end, and the transactions the
     * broker holds open; an open transaction nobody ends keeps every later one unread.
     */
    private static String transactionalState() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", PORTS.kafkaBootstrap()))) {
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            admin.describeTopics(List.of("item_sales_dlq", "item_sales_late"))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .forEach((topic, description) -> description
                            .partitions()
                            .forEach(p -> ends.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
            var end = admin.listOffsets(ends).all().get(30, TimeUnit.SECONDS);
            var stable = admin.listOffsets(ends, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            StringBuilder state = new StringBuilder();
            ends.keySet().stream()
                    .sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))
                    .forEach(tp -> state.append(tp)
                            .append(" end ")
                            .append(end.get(tp).offset())
                            .append(" stable ")
                            .append(stable.get(tp).offset())
                            .append("; "));
            admin.listTransactions().all().get(30, TimeUnit.SECONDS).stream()
                    .filter(t -> t.state() != TransactionState.COMPLETE_COMMIT
                            && t.state() != TransactionState.COMPLETE_ABORT
                            && t.state() != TransactionState.EMPTY)
                    .forEach(t -> state.append("open: ")
                            .append(t.transactionalId())
                            .append(' ')
                            .append(t.state())
                            .append("; "));
            return state.toString();
        } catch (Exception e) {
            return "unknown (" + e + ")";
        }
    }

    /** The stack's home is a temporary directory: its logs go where the build keeps its reports. */
    private static void keepTheStackLogs() {
        Path kept = Path.of("target", "drill-logs", Instant.now().toString().replace(':', '-'));
        try (var files = Files.walk(home.resolve("logs"))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path to = kept.resolve(home.resolve("logs").relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to);
                }
            }
            System.out.println("drill: the stack's logs are kept in " + kept.toAbsolutePath());
        } catch (IOException e) {
            System.out.println("drill: could not keep the stack's logs: " + e);
        }
    }

    private static Instant modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            throw new AssertionError("no " + file, e);
        }
    }

    private static boolean flinkAnswers() {
        try {
            HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build()
                    .send(
                            HttpRequest.newBuilder(URI.create(PORTS.flinkRest() + "/overview"))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    private static Map<Integer, Long> logEndOffsets() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", PORTS.kafkaBootstrap()))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < 4; p++) {
                latest.put(new TopicPartition("item_sales", p), OffsetSpec.latest());
            }
            Map<Integer, Long> end = new TreeMap<>();
            admin.listOffsets(latest)
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .forEach((tp, info) -> end.put(tp.partition(), info.offset()));
            return end;
        } catch (Exception e) {
            throw new AssertionError("reading the log's end offsets", e);
        }
    }

    /** What the job's source committed to its group with its last checkpoint whose completion reached it. */
    private static Map<Integer, Long> committedOffsets(String group) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", PORTS.kafkaBootstrap()))) {
            Map<Integer, Long> committed = new TreeMap<>();
            admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS)
                    .forEach((tp, om) -> {
                        if (tp.topic().equals("item_sales") && om != null) {
                            committed.put(tp.partition(), om.offset());
                        }
                    });
            return committed;
        } catch (Exception e) {
            throw new AssertionError("reading the offsets of group " + group, e);
        }
    }

    private static String runningJobId() {
        Matcher job = Pattern.compile("\"jid\":\"([0-9a-f]{32})\"[^}]*\"state\":\"RUNNING\"")
                .matcher(flinkGet("/jobs/overview"));
        assertThat(job.find()).as("a running job").isTrue();
        return job.group(1);
    }

    private static String flinkGet(String path) {
        return LoopbackClients.get(PORTS.flinkRest() + path);
    }

    /** A fresh session per audit: the drills take Cassandra away, and a session may still be reconnecting. */
    private static LogAudit.Findings audit() {
        try (CqlSession session = CqlSession.builder()
                .addContactPoint(new InetSocketAddress("127.0.0.1", PORTS.cassandra()))
                .withLocalDatacenter("datacenter1")
                .build()) {
            return new LogAudit(PORTS.kafkaBootstrap(), session, "sales_v1")
                    .audit("item_sales", "item_sales_dlq", "item_sales_late");
        } catch (com.datastax.oss.driver.api.core.DriverException e) {
            return new LogAudit.Findings(
                    List.of("Cassandra not answering the audit yet: " + e.getMessage()), 0, 0, 0, 0, 0, Map.of());
        }
    }

    private static void startLoad() {
        loading.set(true);
        load = new Thread(
                () -> {
                    while (loading.get()) {
                        for (int n = 0; n < PER_SECOND / 10; n++) {
                            send(sequence.getAndIncrement());
                        }
                        sleep(100);
                    }
                },
                "drill-load");
        load.start();
    }

    private static void stopLoad() throws InterruptedException {
        loading.set(false);
        if (load != null) {
            load.join(30_000);
        }
        producer.flush();
    }

    /**
     * Message i: mostly valid and in event-time order per partition; every 40th malformed; every
     * 150th ten minutes late; every 50th 30 s behind (within the lateness: it changes a window that
     * may already be final).
     */
    private static void send(long i) {
        int partition = (int) (i % 4);
        long behind = i % 150 == 149 ? 600_000 : i % 50 == 24 ? 30_000 : 0;
        long eventTime = eventTimeBase.get() + i * EVENT_SPACING_MS - behind;
        String value = i % 40 == 39
                ? MALFORMED[(int) (i / 40 % MALFORMED.length)]
                : "{\"item_id\": \"item-" + (i % 30) + "\", \"item_sold\": \"" + (i % 7 + 1)
                        + "\", \"item_name\": \"Item " + (i % 9) + "\", \"timestamp_ms\": " + eventTime
                        + ", \"store_id\": \"Store " + (i % STORES) + "\"}";
        producer.send(new ProducerRecord<>("item_sales", partition, null, value.getBytes(StandardCharsets.UTF_8)));
    }

    /** One event per partition past every window's end plus lateness; the next load starts after it. */
    private static void closeWindows() {
        long last = eventTimeBase.get() + sequence.get() * EVENT_SPACING_MS;
        long closing = last + 150_000;
        for (int p = 0; p < 4; p++) {
            String value = "{\"item_id\": \"closing\", \"item_sold\": 1, \"item_name\": \"Closing\", \"timestamp_ms\": "
                    + closing + ", \"store_id\": \"closing\"}";
            producer.send(new ProducerRecord<>("item_sales", p, null, value.getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
        eventTimeBase.addAndGet(closing + 60_000 - last);
    }

    private static void up() {
        StackScript.Result up = stack.run(LONG, true, env, "up");
        assertThat(up.exitCode()).as(up.output()).isZero();
    }

    private static void kill9(String process) {
        ProcessHandle.of(pid(process)).ifPresent(ProcessHandle::destroyForcibly);
        waitForExit(process);
    }

    private static void terminate(String process) {
        ProcessHandle.of(pid(process)).ifPresent(ProcessHandle::destroy);
        waitForExit(process);
    }

    private static void waitForExit(String process) {
        long pid = pid(process);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(process + " (pid " + pid + ") did not exit");
            }
            sleep(200);
        }
    }

    private static long pid(String process) {
        return StackPidFiles.pid(home, process);
    }

    private static Path jobJar() {
        Path jar = Path.of(System.getProperty("job.jar", "target/sales-pipeline-job-1.0.0-SNAPSHOT.jar"));
        assertThat(jar).exists();
        return jar;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String[] upArguments() {
        List<String> args = new java.util.ArrayList<>(List.of("up"));
        args.addAll(PORTS.upOptions());
        return args.toArray(String[]::new);
    }
}
