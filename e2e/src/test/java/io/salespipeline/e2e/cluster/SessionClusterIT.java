package io.salespipeline.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.salespipeline.contract.Topic;
import io.salespipeline.e2e.Await;
import io.salespipeline.e2e.LoopbackClients;
import io.salespipeline.job.it.KafkaIo;
import io.salespipeline.testkit.RealStackExtension;
import io.salespipeline.testkit.StackEndpoints;
import io.salespipeline.testkit.StackScript;
import io.salespipeline.testkit.TestNamespace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The embedded stack as a user meets it: every service answers, and the job jar submitted with
 * {@code ./stack flink run} turns produced events into the views and bad lines into dead letters.
 */
@ExtendWith(RealStackExtension.class)
class SessionClusterIT {

    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");

    @Test
    void everyServiceAnswersWithTheProductsTopicsSchemaAndWebUi(StackEndpoints stack, TestNamespace ns)
            throws Exception {
        try (Admin admin = ns.admin()) {
            Map<String, TopicDescription> topics = admin.describeTopics(
                            List.of("item_sales", "item_sales_dlq", "item_sales_late"))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS);
            assertThat(topics.values())
                    .allSatisfy(t -> assertThat(t.partitions()).hasSize(4));
        }
        try (CqlSession cql = ns.cqlSession()) {
            assertThat(cql.execute("SELECT keyspace_name FROM system_schema.keyspaces")
                            .all())
                    .extracting(r -> r.getString(0))
                    .contains("sales", "sales_v1");
            assertThat(cql.execute("SELECT keyspace_name FROM sales.active_version WHERE view_name = 'sales'")
                            .one()
                            .getString(0))
                    .startsWith("sales_v");
        }
        // TaskManagers as the running stack was started with (./stack up --taskmanagers, 2 by default), 4 slots each
        assertThat(LoopbackClients.get(stack.flinkRest() + "/overview"))
                .containsPattern("\"taskmanagers\":[1-4],")
                .containsPattern("\"slots-total\":([4-9]|1[0-6]),");
        assertThat(LoopbackClients.get(stack.flinkRest() + "/")).contains("<html");
    }

    @Test
    void jobJarRunThroughTheWrapperTurnsEventsIntoViewsAndDeadLetters(StackEndpoints stack, TestNamespace ns)
            throws Exception {
        String topic = ns.createTopic("item_sales", 4, Topic.ITEM_SALES);
        String dlq = ns.createTopic("item_sales_dlq", 1, Topic.DEAD_LETTERS);
        ns.createTopic("item_sales_late", 1, Topic.LATE_EVENTS);
        String keyspace = ns.createViewsKeyspace();
        StackScript script = new StackScript(stack.repoRoot());
        StackScript.Result run = submit(script, stack, ns, keyspace);
        assertThat(run.exitCode()).as(run.output()).isZero();
        Matcher id = JOB_ID.matcher(run.output());
        assertThat(id.find()).as(run.output()).isTrue();
        String jobId = id.group(1);
        try {
            StackScript.Result list = script.run(Duration.ofMinutes(1), false, "flink", "list");
            assertThat(list.output()).contains(jobId);

            long base = Instant.parse("2024-03-01T10:00:00Z").toEpochMilli();
            int valid = 40;
            try (KafkaProducer<byte[], byte[]> producer = producer(stack)) {
                for (int i = 0; i < valid; i++) {
                    String json = "{\"item_id\": \"plates-" + i + "\", \"item_sold\": \"" + (i % 7 + 1)
                            + "\", \"item_name\": \"Plates\", " + "\"timestamp_ms\": \"" + (base + i * 1000L)
                            + "\", \"store_id\": \"Hermitage - " + (i % 3) + "\"}";
                    producer.send(new ProducerRecord<>(topic, i % 4, null, json.getBytes(StandardCharsets.UTF_8)));
                }
                producer.send(new ProducerRecord<>(topic, 0, null, "not json".getBytes(StandardCharsets.UTF_8)));
                producer.send(
                        new ProducerRecord<>(topic, 1, null, "{\"item_id\": \"x\"}".getBytes(StandardCharsets.UTF_8)));
                producer.flush();
            }

            try (CqlSession cql = ns.cqlSession()) {
                Await.until(
                        Duration.ofSeconds(90),
                        "all events in " + keyspace + ".sales_by_store_day",
                        () -> cql.execute("SELECT count(*) FROM " + keyspace + ".sales_by_store_day")
                                        .one()
                                        .getLong(0)
                                == valid);
                // item_sales has a sink of its own, which may flush after sales_by_store_day's
                Await.until(
                        Duration.ofSeconds(30),
                        "plates-10 in " + keyspace + ".item_sales",
                        () -> cql.execute("SELECT sale.item_sold FROM " + keyspace
                                                + ".item_sales WHERE item_id = 'plates-10'")
                                        .one()
                                != null);
                assertThat(cql.execute("SELECT sale.item_sold FROM " + keyspace
                                        + ".item_sales WHERE item_id = 'plates-10'")
                                .one()
                                .getInt(0))
                        .isEqualTo(10 % 7 + 1);
                Await.until(
                        Duration.ofSeconds(60),
                        "early results in store_sales_per_minute",
                        () -> !cql.execute("SELECT units FROM " + keyspace + ".store_sales_per_minute")
                                .all()
                                .isEmpty());
            }
            List<String> deadLetters = readCommitted(stack, dlq, 2, Duration.ofSeconds(60));
            assertThat(deadLetters)
                    .anySatisfy(d -> assertThat(d).contains("\"reason\":\"NOT_JSON\""))
                    .anySatisfy(d -> assertThat(d).contains("\"reason\":\"MISSING_FIELD\""));

            assertThat(sumOfSourceMetric(stack, jobId, "parse.parsed")).isEqualTo(valid);
            assertThat(sumOfSourceMetric(stack, jobId, "parse.rejected")).isEqualTo(2);

            // evenly spread slots (flink-conf): the job runs on every TaskManager its parallelism
            // reaches, so losing one leaves the job's code loaded on another (see the recovery bench)
            Matcher count = Pattern.compile("\"taskmanagers\":(\\d+)")
                    .matcher(LoopbackClients.get(stack.flinkRest() + "/overview"));
            assertThat(count.find()).isTrue();
            String subtasks = LoopbackClients.get(
                    stack.flinkRest() + "/jobs/" + jobId + "/vertices/" + sourceVertex(stack, jobId));
            Set<String> taskManagers = new HashSet<>();
            Matcher taskManager =
                    Pattern.compile("\"taskmanager-id\":\"([^\"]+)\"").matcher(subtasks);
            while (taskManager.find()) {
                taskManagers.add(taskManager.group(1));
            }
            assertThat(taskManagers).as(subtasks).hasSize(Math.min(Integer.parseInt(count.group(1)), 2));
        } finally {
            StackScript.Result cancel = script.run(Duration.ofMinutes(1), true, "flink", "cancel", jobId);
            assertThat(cancel.exitCode()).as(cancel.output()).isZero();
        }
    }

    /**
     * A keyspace the job cannot write (missing, or made by a build with other view columns) would
     * fail every view writer on every restart: it is refused at submission, in one line, exit 2.
     */
    @Test
    void aKeyspaceWithoutThisBuildsViewsIsRefusedAtSubmissionInOneLine(StackEndpoints stack, TestNamespace ns)
            throws Exception {
        StackScript script = new StackScript(stack.repoRoot());
        String missing = ns.keyspace() + "_missing";
        StackScript.Result absent = submit(script, stack, ns, missing);
        assertThat(absent.exitCode()).as(absent.output()).isEqualTo(2);
        assertThat(absent.output())
                .contains("sales-pipeline: keyspace " + missing + " does not exist")
                .doesNotContain("JobID");

        String old = ns.keyspace() + "_old";
        StackScript.Result created = script.run(
                Duration.ofMinutes(2), false, "cql", "--contact", stack.cassandraContact(), "--keyspace", old);
        assertThat(created.exitCode()).as(created.output()).isZero();
        try (CqlSession cql = ns.cqlSession()) {
            try {
                // item_sales as builds before the single-cell sale wrote it
                cql.execute("ALTER TABLE " + old + ".item_sales DROP sale");
                cql.execute("ALTER TABLE " + old + ".item_sales ADD store_id text");
                StackScript.Result stale = submit(script, stack, ns, old);
                assertThat(stale.exitCode()).as(stale.output()).isEqualTo(2);
                assertThat(stale.output())
                        .contains("sales-pipeline: keyspace " + old + " does not have this build's views (")
                        .contains("build a new view version with ./replay reprocess")
                        .doesNotContain("JobID");
            } finally {
                cql.execute(com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance(
                                "DROP KEYSPACE IF EXISTS " + old)
                        .setTimeout(Duration.ofSeconds(60)));
            }
        }
    }

    /** {@code ./stack flink run -d} of the job jar on the class's topics, writing {@code keyspace}. */
    private static StackScript.Result submit(
            StackScript script, StackEndpoints stack, TestNamespace ns, String keyspace) {
        Path jar = Path.of(System.getProperty("job.jar", "target/sales-pipeline-job-1.0.0-SNAPSHOT.jar"));
        assertThat(jar).exists();
        return script.run(
                Duration.ofMinutes(2),
                true,
                "flink",
                "run",
                "-d",
                jar.toString(),
                "--kafka.bootstrap",
                stack.kafkaBootstrap(),
                "--cassandra.contact",
                stack.cassandraContact(),
                "--kafka.topic",
                ns.topic("item_sales"),
                "--kafka.dlq-topic",
                ns.topic("item_sales_dlq"),
                "--kafka.late-topic",
                ns.topic("item_sales_late"),
                "--kafka.group-id",
                ns.keyspace(),
                "--view.keyspace",
                keyspace);
    }

    /** The id of the job's source vertex (the task that starts with the Kafka source). */
    private static String sourceVertex(StackEndpoints stack, String jobId) throws Exception {
        String job = LoopbackClients.get(stack.flinkRest() + "/jobs/" + jobId);
        Matcher vertex = Pattern.compile(
                        "\"id\":\"([0-9a-f]{32})\",\"slotSharingGroupId\":\"[^\"]*\",\"name\":\"Source")
                .matcher(job);
        if (!vertex.find()) {
            vertex = Pattern.compile("\"id\":\"([0-9a-f]{32})\",\"name\":\"Source")
                    .matcher(job);
            assertThat(vertex.find()).as(job).isTrue();
        }
        return vertex.group(1);
    }

    /** A custom metric of the source vertex, summed over its subtasks, through the REST API the web UI uses. */
    private static long sumOfSourceMetric(StackEndpoints stack, String jobId, String suffix) throws Exception {
        String base =
                stack.flinkRest() + "/jobs/" + jobId + "/vertices/" + sourceVertex(stack, jobId) + "/subtasks/metrics";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Matcher name = Pattern.compile("\"id\":\"([^\"]*" + Pattern.quote(suffix) + ")\"")
                    .matcher(LoopbackClients.get(base));
            if (name.find()) {
                String value = LoopbackClients.get(base + "?get=" + name.group(1) + "&agg=sum");
                Matcher sum = Pattern.compile("\"sum\":([0-9.]+)").matcher(value);
                if (sum.find()) {
                    return (long) Double.parseDouble(sum.group(1));
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("metric *" + suffix + " not reported by " + base);
            }
            Thread.sleep(1_000);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(StackEndpoints stack) {
        Properties props = new Properties();
        props.put("bootstrap.servers", stack.kafkaBootstrap());
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static List<String> readCommitted(StackEndpoints stack, String topic, int expected, Duration timeout) {
        return KafkaIo.values(KafkaIo.readCommitted(stack.kafkaBootstrap(), topic, expected, timeout, Duration.ZERO));
    }
}
