package io.salespipeline.e2e.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import io.salespipeline.e2e.Await;
import io.salespipeline.e2e.LoopbackClients;
import io.salespipeline.e2e.OwnStackPorts;
import io.salespipeline.e2e.StackPidFiles;
import io.salespipeline.job.it.KafkaIo;
import io.salespipeline.testkit.StackScript;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The stack secured ({@code ./stack up --secure}): Kafka only over SASL/PLAIN, Cassandra with
 * PasswordAuthenticator, every login from the environment. Clients without or with wrong
 * credentials are refused with one clear line; the real job jar, deployed with {@code ./replay
 * deploy}, turns events sent over SASL into view rows and dead letters; a job with a wrong login
 * fails visibly; and no password shows in the logs, the web UI's REST answers, the dead letters or
 * any process's command line. Its own stack home (target/secure-stack) and ports.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecureStackIT {

    private static final OwnStackPorts PORTS = new OwnStackPorts(25);

    private static final Duration LONG = Duration.ofMinutes(5);
    // Below Linux's ephemeral range (32768-60999), where a client socket could hold a port the stack needs.
    private static final String KAFKA = PORTS.kafkaBootstrap();
    private static final String CQL_HOST = "127.0.0.1";
    private static final int CQL_PORT = PORTS.cassandra();
    private static final String FLINK = PORTS.flinkRest();
    private static final String KAFKA_USER = "pipeline";
    private static final String CASSANDRA_USER = "Pipeline.Owner";
    private static final long BASE_MS = 1_700_000_000_000L;
    private static final String STORE = "Secure Store";
    private static final int VALID = 20;
    private static final Map<String, String> INVALID = new LinkedHashMap<>();
    private static final Pattern SUBMITTED = Pattern.compile("JobID ([0-9a-f]{32})");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /**
     * A thread per task: the common pool has one thread on two cores, and these tasks mostly wait for a ./stack JVM.
     */
    private static final Executor PARALLEL = task -> {
        Thread thread = new Thread(task, "secure-it");
        thread.setDaemon(true);
        thread.start();
    };

    static {
        INVALID.put("not json at all", "NOT_JSON");
        INVALID.put("{\"item_id\": \"x\"}", "MISSING_FIELD");
        INVALID.put(
                "{\"item_id\": \"a\", \"item_sold\": -4, \"item_name\": \"A\", \"timestamp_ms\": " + BASE_MS
                        + ", \"store_id\": \"s\"}",
                "NEGATIVE_QUANTITY");
    }

    /** The random middles of the two passwords: whatever quoting a password gets, these letters stay as they are. */
    private static final String KAFKA_SECRET_CORE = randomLetters();

    private static final String CASSANDRA_SECRET_CORE = randomLetters();
    /**
     * Quotes, a backslash, a dollar and a non-ASCII letter around the cores: every escaping on the way is exercised.
     */
    private static final String KAFKA_PASSWORD = "k\"" + KAFKA_SECRET_CORE + "\\'${x} é";

    private static final String CASSANDRA_PASSWORD = "c'" + CASSANDRA_SECRET_CORE + "\"\\;";

    private static Path home;
    private static StackScript stack;
    private static List<String> env;
    private static final List<String> dlq = new ArrayList<>();

    @BeforeAll
    static void securedStack() {
        home = Path.of("target", "secure-stack").toAbsolutePath();
        stack = new StackScript(StackScript.locateRepoRoot());
        env = List.of(
                "STACK_HOME=" + home,
                "KAFKA_SASL_USERNAME=" + KAFKA_USER,
                "KAFKA_SASL_PASSWORD=" + KAFKA_PASSWORD,
                "CASSANDRA_USERNAME=" + CASSANDRA_USER,
                "CASSANDRA_PASSWORD=" + CASSANDRA_PASSWORD,
                // nothing of the developer's shell may point the job or the clients elsewhere
                "KAFKA_BOOTSTRAP=",
                "CASSANDRA_CONTACT=",
                "FLINK_REST=",
                "KAFKA_SECURITY_PROTOCOL=",
                "KAFKA_SASL_MECHANISM=");
        if (Files.exists(home)) {
            stack.run(LONG, true, env, "down", "--purge");
        }
        StackScript.Result up = stack.run(LONG, true, env, upArguments());
        assertThat(up.exitCode()).as(up.output()).isZero();
        assertThat(up.output())
                .contains("secured: Kafka SASL_PLAINTEXT/PLAIN as pipeline, Cassandra PasswordAuthenticator as "
                        + "Pipeline.Owner")
                .contains("KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT");
    }

    @AfterAll
    static void stopEverything() {
        if (stack != null) {
            stack.run(LONG, true, env, "down", "--purge");
        }
    }

    @Test
    @Order(1)
    void clientsWithoutOrWithWrongCredentialsAreRefusedWithOneClearLine() throws Exception {
        // the launcher's commands run side by side with the direct clients below: each starts a JVM
        CompletableFuture<StackScript.Result> withoutLogins = CompletableFuture.supplyAsync(
                () -> stack.run(LONG, false, with("KAFKA_SASL_PASSWORD=", "CASSANDRA_PASSWORD="), "status"), PARALLEL);
        CompletableFuture<Timed> withWrongKafkaPassword = CompletableFuture.supplyAsync(
                () -> {
                    long start = System.nanoTime();
                    StackScript.Result result = stack.run(
                            LONG,
                            false,
                            with("KAFKA_SASL_PASSWORD=wrong" + KAFKA_SECRET_CORE),
                            "generate",
                            "--count",
                            "5");
                    return new Timed(result, Duration.ofNanos(System.nanoTime() - start));
                },
                PARALLEL);
        CompletableFuture<StackScript.Result> withWrongCassandraPassword = CompletableFuture.supplyAsync(
                () -> stack.run(LONG, false, with("CASSANDRA_PASSWORD=wrong"), "cql"), PARALLEL);

        // a plaintext Kafka client gets nothing: the only client listener speaks SASL
        Properties plain = new Properties();
        plain.put("bootstrap.servers", KAFKA);
        plain.put("request.timeout.ms", "3000");
        plain.put("default.api.timeout.ms", "5000");
        try (Admin admin = Admin.create(plain)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS))
                    .as("a plaintext client")
                    .isNotNull();
        }
        // a CQL client without a login, and with Cassandra's built-in superuser (disabled by up --secure)
        assertThatThrownBy(() -> cql(null, null).close())
                .isInstanceOf(AllNodesFailedException.class)
                .hasMessageContaining("requires authentication");
        assertThatThrownBy(() -> cql("cassandra", "cassandra").close())
                .isInstanceOf(AllNodesFailedException.class)
                .hasMessageContaining("Provided username cassandra and/or password are incorrect");

        // the launcher, without the logins: one line naming what is missing, exit 2
        StackScript.Result noLogins = withoutLogins.join();
        assertThat(noLogins.exitCode()).isEqualTo(2);
        assertThat(last(noLogins.errors()))
                .isEqualTo("stack: the stack runs secured (./stack up --secure) and needs KAFKA_SASL_PASSWORD, "
                        + "CASSANDRA_PASSWORD"
                        + " in the environment (the user names and passwords of Kafka and Cassandra; "
                        + "passwords are never taken from the command line)");

        // a wrong Kafka password: refused at once, not retried
        Timed timedWrongKafka = withWrongKafkaPassword.join();
        StackScript.Result wrongKafka = timedWrongKafka.result();
        assertThat(wrongKafka.exitCode()).as(wrongKafka.output()).isEqualTo(1);
        assertThat(last(wrongKafka.errors()))
                // the reference data goes first
                .startsWith("stack: sending to topic item_catalog failed: Kafka at " + KAFKA
                        + ": authentication failed (Authentication failed: Invalid username or password)");
        assertThat(timedWrongKafka.took()).isLessThan(Duration.ofSeconds(60));

        // a wrong Cassandra password
        StackScript.Result wrongCql = withWrongCassandraPassword.join();
        assertThat(wrongCql.exitCode()).as(wrongCql.output()).isEqualTo(1);
        assertThat(last(wrongCql.errors()))
                .isEqualTo("stack: Cassandra at " + CQL_HOST + ":" + CQL_PORT + ": authentication failed for user '"
                        + CASSANDRA_USER + "' (Provided username " + CASSANDRA_USER
                        + " and/or password are incorrect); check CASSANDRA_USERNAME and CASSANDRA_PASSWORD");
    }

    private record Timed(StackScript.Result result, Duration took) {}

    @Test
    @Order(2)
    void theJobWorksWithLoginsFromTheEnvironment() throws Exception {
        StackScript.Result deploy = stack.run(LONG, true, env, "replay", "deploy", "--jar", jobJar().toString());
        assertThat(deploy.exitCode()).as(deploy.output()).isZero();

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                sasl(KAFKA_USER, KAFKA_PASSWORD), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < VALID; i++) {
                String json = "{\"item_id\": \"secure-item-" + i + "\", \"item_sold\": " + (i % 5 + 1)
                        + ", \"item_name\": \"Item " + (i % 3) + "\", \"timestamp_ms\": \"" + (BASE_MS + i * 1000L)
                        + "\", \"store_id\": \"" + STORE + "\"}";
                producer.send(new ProducerRecord<>("item_sales", i % 4, null, json.getBytes(StandardCharsets.UTF_8)));
            }
            int p = 0;
            for (String bad : INVALID.keySet()) {
                producer.send(new ProducerRecord<>("item_sales", p++ % 4, null, bad.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }

        LocalDate day = LocalDate.ofEpochDay(BASE_MS / 86_400_000L);
        try (CqlSession session = cql(CASSANDRA_USER, CASSANDRA_PASSWORD)) {
            Await.until(
                    Duration.ofSeconds(90),
                    VALID + " rows in sales_by_store_day",
                    () -> session.execute(
                                            "SELECT count(*) FROM sales_v1.sales_by_store_day WHERE store_id "
                                                    + "= ? AND timestamp_dt = ?",
                                            STORE,
                                            day)
                                    .one()
                                    .getLong(0)
                            == VALID);
            assertThat(session.execute("SELECT sale.item_sold FROM sales_v1.item_sales WHERE item_id = 'secure-item-7'")
                            .one()
                            .getInt(0))
                    .isEqualTo(3);
        }

        // dead letters appear with the checkpoint that commits their transaction (every 10 s)
        dlq.addAll(read("item_sales_dlq", "read_committed", INVALID.size(), Duration.ofSeconds(90)));
        assertThat(dlq).hasSize(INVALID.size());
        assertThat(dlq.stream()
                        .map(d -> d.replaceAll(".*\"reason\":\"([A-Z_]+)\".*", "$1"))
                        .toList())
                .containsExactlyInAnyOrderElementsOf(INVALID.values());
        assertThat(flink("/jobs/" + runningJobs().get(0) + "/exceptions")).contains("\"entries\":[]");
    }

    @Test
    @Order(3)
    void aJobWithAWrongLoginFailsVisiblyNamingTheAuthentication() throws Exception {
        // main() runs in ./stack flink, whose KAFKA_SASL_PASSWORD and CASSANDRA_PASSWORD (also the TaskManagers')
        // belong to other users
        CompletableFuture<String> kafkaSubmission = CompletableFuture.supplyAsync(
                () -> submit(
                        "--kafka.sasl-username",
                        "intruder",
                        "--kafka.group-id",
                        "intruders",
                        "--kafka.starting-offsets",
                        "latest"),
                PARALLEL);
        // the keyspace check at submission logs in to Cassandra as the job would: refused there, in one line, no job
        StackScript.Result cqlIntruder = stack.run(
                LONG,
                true,
                env,
                "flink",
                "run",
                "-d",
                "-p",
                "1",
                jobJar().toString(),
                "--cassandra.username",
                "intruder",
                "--kafka.group-id",
                "intruders-cql",
                "--kafka.starting-offsets",
                "latest");
        assertThat(cqlIntruder.exitCode()).as(cqlIntruder.output()).isEqualTo(2);
        assertThat(cqlIntruder.output())
                .contains("sales-pipeline: cannot check keyspace sales_v1 in Cassandra at 127.0.0.1:" + CQL_PORT
                        + ": Authentication error on host /127.0.0.1:" + CQL_PORT
                        + ": Provided username intruder and/or password are incorrect")
                .doesNotContain(CASSANDRA_SECRET_CORE);
        assertThat(SUBMITTED.matcher(cqlIntruder.output()).find())
                .as(cqlIntruder.output())
                .isFalse();
        String kafkaIntruder = kafkaSubmission.join();
        try {
            Await.until(Duration.ofSeconds(90), "the Kafka login failure in the job's exceptions", () -> {
                String exceptions = flink("/jobs/" + kafkaIntruder + "/exceptions");
                return exceptions.contains(
                        "org.apache.kafka.common.errors.SaslAuthenticationException: Authentication failed: "
                                + "Invalid username or password");
            });
        } finally {
            HttpResponse<String> cancel = HTTP.send(
                    HttpRequest.newBuilder(URI.create(FLINK + "/jobs/" + kafkaIntruder + "?mode=cancel"))
                            .method("PATCH", HttpRequest.BodyPublishers.noBody())
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(cancel.statusCode())
                    .as("cancelling " + kafkaIntruder + ": " + cancel.body())
                    .isEqualTo(202);
        }
    }

    @Test
    @Order(4)
    void noPasswordInLogsRestDeadLettersOrCommandLinesAndEveryPortOnLoopback() throws Exception {
        List<String> cores = List.of(KAFKA_SECRET_CORE, CASSANDRA_SECRET_CORE);

        // every file of the stack home: logs never hold a password; what does (Kafka's users) is readable by its owner
        // only
        List<String> holding = new ArrayList<>();
        try (Stream<Path> files = Files.walk(home)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text;
                try {
                    text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                } catch (IOException | UncheckedIOException e) {
                    continue; // a file a server rotated or deleted meanwhile
                }
                if (cores.stream().anyMatch(text::contains)) {
                    Path relative = home.relativize(file);
                    holding.add(relative.toString());
                    assertThat(relative.startsWith("logs"))
                            .as("a password in the log " + relative)
                            .isFalse();
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                            .as(relative + " holds a password")
                            .isEqualTo("rw-------");
                }
            }
        }
        assertThat(holding).as("the scan finds Kafka's own user list").contains("conf/kafka/server.properties");
        assertThat(home.resolve("logs")).isNotEmptyDirectory();

        // the web UI's REST answers, for the cluster and every job
        List<String> paths = new ArrayList<>(List.of(
                "/jobmanager/config", "/jobmanager/environment", "/taskmanagers", "/jobs/overview", "/overview"));
        for (Matcher tm = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(flink("/taskmanagers")); tm.find(); ) {
            paths.add("/taskmanagers/" + tm.group(1));
        }
        for (Matcher job = Pattern.compile("\"jid\":\"([0-9a-f]{32})\"").matcher(flink("/jobs/overview"));
                job.find(); ) {
            for (String sub : List.of("", "/config", "/plan", "/exceptions", "/checkpoints/config")) {
                paths.add("/jobs/" + job.group(1) + sub);
            }
        }
        // the pipeline's job and the Kafka intruder's
        assertThat(paths.stream()
                        .filter(p -> p.endsWith("/config") && p.startsWith("/jobs/"))
                        .count())
                .isGreaterThanOrEqualTo(2);
        for (String path : paths) {
            String body = flink(path);
            assertThat(body).as(path).isNotBlank();
            cores.forEach(core -> assertThat(body).as("GET " + path).doesNotContain(core));
        }

        // the dead letters, committed or not
        List<String> deadLetters = read("item_sales_dlq", "read_uncommitted", Integer.MAX_VALUE, Duration.ofSeconds(5));
        assertThat(deadLetters).hasSizeGreaterThanOrEqualTo(INVALID.size());
        deadLetters.forEach(d -> cores.forEach(core -> assertThat(d).doesNotContain(core)));

        // the command line of every process of the stack; Kafka and Cassandra do not even get the logins in their
        // environment
        Map<Long, String> processes = stackProcesses();
        assertThat(processes.values())
                .contains("kafka", "cassandra", "flink-jobmanager", "flink-taskmanager-1", "flink-taskmanager-2");
        for (Map.Entry<Long, String> p : processes.entrySet()) {
            String cmdline =
                    Files.readString(Path.of("/proc", p.getKey().toString(), "cmdline"), StandardCharsets.ISO_8859_1);
            cores.forEach(core ->
                    assertThat(cmdline).as(p.getValue() + " command line").doesNotContain(core));
            if (p.getValue().equals("kafka") || p.getValue().equals("cassandra")) {
                String environ = Files.readString(
                        Path.of("/proc", p.getKey().toString(), "environ"), StandardCharsets.ISO_8859_1);
                cores.forEach(core ->
                        assertThat(environ).as(p.getValue() + " environment").doesNotContain(core));
            }
        }

        // every listening socket of those processes is on 127.0.0.1
        Map<String, String> listeners = listeningSockets();
        Set<String> seen = new TreeSet<>();
        for (Map.Entry<Long, String> p : processes.entrySet()) {
            for (String inode : socketInodes(p.getKey())) {
                String address = listeners.get(inode);
                if (address != null) {
                    seen.add(p.getValue() + " " + address);
                    assertThat(address)
                            .as(p.getValue() + " listens on " + address)
                            .matches("127\\.0\\.0\\.1:\\d+");
                }
            }
        }
        assertThat(seen)
                .as("listening sockets")
                .anyMatch(s -> s.equals("kafka 127.0.0.1:25092"))
                .anyMatch(s -> s.equals("cassandra 127.0.0.1:25042"))
                .anyMatch(s -> s.equals("flink-jobmanager 127.0.0.1:25081"));
    }

    // ---- helpers

    /** The last line a command printed on stderr: its error (a rebuild of the launcher may print lines before it). */
    private static String last(List<String> lines) {
        assertThat(lines).isNotEmpty();
        return lines.get(lines.size() - 1);
    }

    private static List<String> with(String... overrides) {
        Map<String, String> merged = new LinkedHashMap<>();
        for (String entry : env) {
            merged.put(entry.substring(0, entry.indexOf('=')), entry.substring(entry.indexOf('=') + 1));
        }
        for (String entry : overrides) {
            merged.put(entry.substring(0, entry.indexOf('=')), entry.substring(entry.indexOf('=') + 1));
        }
        return merged.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .toList();
    }

    private static String submit(String... jobArgs) {
        List<String> args = new ArrayList<>(List.of("flink", "run", "-d", "-p", "1", jobJar().toString()));
        args.addAll(List.of(jobArgs));
        StackScript.Result run = stack.run(LONG, true, env, args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.output()).isZero();
        Matcher id = SUBMITTED.matcher(run.output());
        assertThat(id.find()).as(run.output()).isTrue();
        return id.group(1);
    }

    private static List<String> runningJobs() {
        List<String> ids = new ArrayList<>();
        Matcher job = Pattern.compile("\"jid\":\"([0-9a-f]{32})\"[^}]*\"state\":\"RUNNING\"")
                .matcher(flink("/jobs/overview"));
        while (job.find()) {
            ids.add(job.group(1));
        }
        assertThat(ids).as("running jobs").isNotEmpty();
        return ids;
    }

    private static Properties sasl(String user, String password) {
        Properties props = new Properties();
        props.put("bootstrap.servers", KAFKA);
        props.put("security.protocol", "SASL_PLAINTEXT");
        props.put("sasl.mechanism", "PLAIN");
        props.put(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + jaas(user)
                        + "\" password=\"" + jaas(password) + "\";");
        props.put("acks", "all");
        return props;
    }

    private static String jaas(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static List<String> read(String topic, String isolation, int expected, Duration timeout) {
        Properties props = sasl(KAFKA_USER, KAFKA_PASSWORD);
        props.put("isolation.level", isolation);
        return KafkaIo.values(KafkaIo.read(props, topic, expected, timeout, Duration.ZERO));
    }

    private static CqlSession cql(String user, String password) {
        CqlSessionBuilder builder = CqlSession.builder()
                .addContactPoint(new InetSocketAddress(CQL_HOST, CQL_PORT))
                .withLocalDatacenter("datacenter1");
        if (user != null) {
            builder.withAuthCredentials(user, password);
        }
        return builder.build();
    }

    private static String flink(String path) {
        return LoopbackClients.get(FLINK + path);
    }

    /** Pid to process name, from the stack's pid files, with the descendants of each. */
    private static Map<Long, String> stackProcesses() throws IOException {
        Map<Long, String> processes = new HashMap<>();
        StackPidFiles.read(home).forEach((name, pid) -> {
            processes.put(pid, name);
            ProcessHandle.of(pid)
                    .ifPresent(h -> h.descendants().forEach(d -> processes.put(d.pid(), name + " (child)")));
        });
        return processes;
    }

    private static List<String> socketInodes(long pid) {
        List<String> inodes = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException ignored) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list the sockets of pid " + pid, e);
        }
        return inodes;
    }

    /** Socket inode to local address of every TCP socket in LISTEN state (IPv4-mapped IPv6 addresses shown as IPv4). */
    private static Map<String, String> listeningSockets() throws IOException {
        Map<String, String> listening = new HashMap<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (!f[3].equals("0A")) {
                    continue;
                }
                String[] hostPort = f[1].split(":");
                listening.put(f[9], address(hostPort[0]) + ":" + Integer.parseInt(hostPort[1], 16));
            }
        }
        return listening;
    }

    /** /proc/net's hex address: 4 bytes (IPv4) or 16 (IPv6), each group of 4 bytes little-endian. */
    private static String address(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int group = 0; group < bytes.length / 4; group++) {
            for (int b = 0; b < 4; b++) {
                bytes[group * 4 + b] = (byte)
                        Integer.parseInt(hex.substring(group * 8 + (3 - b) * 2, group * 8 + (3 - b) * 2 + 2), 16);
            }
        }
        if (bytes.length == 16) {
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= bytes[i] == 0;
            }
            mapped &= bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
            if (!mapped) {
                StringBuilder v6 = new StringBuilder("[");
                for (int i = 0; i < 16; i += 2) {
                    v6.append(i == 0 ? "" : ":")
                            .append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff)));
                }
                return v6.append("]").toString();
            }
            bytes = new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]};
        }
        return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
    }

    private static Path jobJar() {
        Path jar = Path.of(System.getProperty("job.jar", "target/sales-pipeline-job-1.0.0-SNAPSHOT.jar"));
        assertThat(jar).exists();
        return jar;
    }

    private static String randomLetters() {
        String letters = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        SecureRandom random = new SecureRandom();
        StringBuilder s = new StringBuilder("Zq");
        for (int i = 0; i < 22; i++) {
            s.append(letters.charAt(random.nextInt(letters.length())));
        }
        return s.toString();
    }

    private static String[] upArguments() {
        List<String> args = new java.util.ArrayList<>(List.of("up", "--secure"));
        args.addAll(PORTS.upOptions());
        return args.toArray(String[]::new);
    }
}
