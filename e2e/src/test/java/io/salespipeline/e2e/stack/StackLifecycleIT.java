package io.salespipeline.e2e.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.salespipeline.contract.Topic;
import io.salespipeline.e2e.LoopbackClients;
import io.salespipeline.e2e.OwnStackPorts;
import io.salespipeline.e2e.StackPidFiles;
import io.salespipeline.testkit.StackScript;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole life of a stack, through the script a user runs, in a home and on ports of its own
 * (so a developer's running stack is left alone): up, up again, status, down leaving no process,
 * data surviving a restart, purge.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StackLifecycleIT {

    private static final Duration LONG = Duration.ofMinutes(5);
    private static final OwnStackPorts PORTS = new OwnStackPorts(19);

    @TempDir
    static Path home;

    private static StackScript stack;
    private static List<String> env;

    @BeforeAll
    static void locate() {
        stack = new StackScript(StackScript.locateRepoRoot());
        env = List.of("STACK_HOME=" + home);
    }

    @AfterAll
    static void stopWhateverIsLeft() {
        stack.run(LONG, true, env, "down");
    }

    private static StackScript.Result run(String... args) {
        return stack.run(LONG, true, env, args);
    }

    private static String[] up() {
        List<String> args = new java.util.ArrayList<>(List.of("up"));
        args.addAll(PORTS.upOptions());
        return args.toArray(String[]::new);
    }

    @Test
    @Order(1)
    void aTakenPortIsNamedWithTheFlagThatMovesIt() throws IOException {
        try (ServerSocket squatter = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = squatter.getLocalPort();
            StackScript.Result result = run("up", "--kafka-port", Integer.toString(port));
            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.output())
                    .contains("port " + port + " (Kafka client listener) is already in use")
                    .contains("--kafka-port");
        }
        assertThat(Files.exists(home.resolve("run/kafka.pid")))
                .as("nothing started")
                .isFalse();
    }

    @Test
    @Order(2)
    void upStartsEverythingAndAnswersEachClient() throws Exception {
        StackScript.Result result = run(up());
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("3/3 ready");

        StackScript.Result status = run("status", "--env");
        assertThat(status.exitCode()).isZero();
        assertThat(status.lines())
                .containsExactly(
                        "KAFKA_BOOTSTRAP=" + PORTS.kafkaBootstrap(),
                        "CASSANDRA_CONTACT=127.0.0.1:" + PORTS.cassandra(),
                        "FLINK_REST=" + PORTS.flinkRest());

        try (Admin admin = admin()) {
            Map<String, TopicDescription> topics = admin.describeTopics(
                            Stream.of(Topic.values()).map(Topic::defaultName).toList())
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS);
            assertThat(topics)
                    .containsOnlyKeys(
                            "item_sales", "item_sales_dlq", "item_sales_late", "item_catalog", "store_directory");
            for (Topic topic : Topic.values()) {
                assertThat(topics.get(topic.defaultName()).partitions())
                        .as(topic.defaultName())
                        .hasSize(topic.partitions(4));
            }
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(
                            new ConfigResource(ConfigResource.Type.TOPIC, Topic.ITEM_CATALOG.defaultName()),
                            new ConfigResource(ConfigResource.Type.TOPIC, Topic.ITEM_SALES.defaultName())))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            assertThat(configs.values())
                    .extracting(config -> config.get("cleanup.policy").value())
                    .containsExactlyInAnyOrder("compact", "delete");
            assertThat(configs.values())
                    .as("the log and the reference data are kept forever")
                    .allSatisfy(config ->
                            assertThat(config.get(Topic.RETENTION_MS).value()).isEqualTo(Topic.FOREVER_MS));
            assertThat(envelopeRetentions(admin))
                    .as("dead letters and late events: 30 days from their write")
                    .containsEntry(Topic.DEAD_LETTERS.defaultName(), "2592000000/LogAppendTime")
                    .containsEntry(Topic.LATE_EVENTS.defaultName(), "2592000000/LogAppendTime");
            admin.createTopics(List.of(new NewTopic("survives_restart", 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        try (CqlSession cql = cql()) {
            assertThat(cql.execute("SELECT version FROM sales.active_version WHERE view_name = 'sales'")
                            .one()
                            .getInt(0))
                    .isEqualTo(1);
            assertThat(cql.execute("SELECT table_name FROM system_schema.tables WHERE keyspace_name = 'sales_v1'")
                            .all())
                    .extracting(r -> r.getString(0))
                    .containsExactlyInAnyOrder(
                            "item_sales",
                            "sales_by_store_day",
                            "store_sales_per_minute",
                            "item_sales_per_hour",
                            "top_items_per_store_hour");
            cql.execute("INSERT INTO sales_v1.item_sales (item_id, sale) VALUES ('survivor-1', {store_id: 's', "
                    + "item_name: 'Survivor', item_sold: 7})");
        }
        String overview = LoopbackClients.get(PORTS.flinkRest() + "/overview");
        // two TaskManagers by default, each listed under the resource id that names its process
        assertThat(overview).contains("\"taskmanagers\":2", "\"slots-total\":8");
        assertThat(LoopbackClients.get(PORTS.flinkRest() + "/taskmanagers"))
                .contains("\"id\":\"taskmanager-1\"", "\"id\":\"taskmanager-2\"");
        assertThat(LoopbackClients.get(PORTS.flinkRest() + "/")).contains("<html");
    }

    @Test
    @Order(3)
    void upAgainIsHarmlessAndTakesANewRetentionOfTheLateTopic() throws Exception {
        Set<Long> before = pids();
        List<String> again = new java.util.ArrayList<>(List.of(up()));
        again.addAll(List.of("--late-retention", "7d"));
        StackScript.Result result = run(again.toArray(String[]::new));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output())
                .contains("kafka: already running", "cassandra: already running", "flink: already running");
        assertThat(pids()).isEqualTo(before);
        try (Admin admin = admin()) {
            assertThat(envelopeRetentions(admin))
                    .containsEntry(Topic.DEAD_LETTERS.defaultName(), "2592000000/LogAppendTime")
                    .containsEntry(Topic.LATE_EVENTS.defaultName(), "604800000/LogAppendTime");
        }
    }

    /** The dead-letter and late topics' {@code retention.ms/message.timestamp.type}. */
    private static Map<String, String> envelopeRetentions(Admin admin) throws Exception {
        Map<String, String> retentions = new java.util.TreeMap<>();
        for (Topic topic : List.of(Topic.DEAD_LETTERS, Topic.LATE_EVENTS)) {
            Config config = admin.describeConfigs(
                            List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic.defaultName())))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .values()
                    .iterator()
                    .next();
            retentions.put(
                    topic.defaultName(),
                    config.get(Topic.RETENTION_MS).value() + "/"
                            + config.get("message.timestamp.type").value());
        }
        return retentions;
    }

    @Test
    @Order(4)
    void downLeavesNoProcessAndDataSurvivesTheNextUp() throws Exception {
        Set<Long> pids = pids();
        assertThat(pids).hasSize(5);
        StackScript.Result down = run("down");
        assertThat(down.exitCode()).as(down.output()).isZero();
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("pid %d still alive after down", pid)
                    .isFalse();
        }
        assertThat(run("status", "--env").exitCode()).isEqualTo(3);

        assertThat(run(up()).exitCode()).isZero();
        try (Admin admin = admin()) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("survives_restart", "item_sales");
        }
        try (CqlSession cql = cql()) {
            assertThat(cql.execute("SELECT sale.item_sold FROM sales_v1.item_sales WHERE item_id = 'survivor-1'")
                            .one()
                            .getInt(0))
                    .isEqualTo(7);
        }
    }

    @Test
    @Order(5)
    void downPurgeDeletesTheData() {
        Set<Long> pids = pids();
        StackScript.Result purge = run("down", "--purge");
        assertThat(purge.exitCode()).as(purge.output()).isZero();
        pids.forEach(pid -> assertThat(
                        ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .isFalse());
        assertThat(Files.exists(home.resolve("data"))).isFalse();
    }

    /** The live server processes of the stack's pid files. */
    private static Set<Long> pids() {
        return StackPidFiles.read(home).values().stream()
                .filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .collect(Collectors.toSet());
    }

    private static Admin admin() {
        Properties props = new Properties();
        props.put("bootstrap.servers", PORTS.kafkaBootstrap());
        return Admin.create(props);
    }

    private static CqlSession cql() {
        return LoopbackClients.cql(PORTS.cassandra());
    }
}
