package io.salespipeline.stack.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import com.datastax.oss.driver.internal.core.metadata.DefaultEndPoint;
import io.salespipeline.contract.SaslLogin;
import io.salespipeline.stack.Args;
import io.salespipeline.stack.StackException;
import io.salespipeline.stack.clients.AuthFailures;
import io.salespipeline.stack.clients.Clients;
import io.salespipeline.stack.clients.Credentials;
import io.salespipeline.stack.clients.Secrets;
import io.salespipeline.stack.local.KafkaNode;
import io.salespipeline.stack.local.StackLayout;
import io.salespipeline.stack.local.StackSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The secured stack's pure logic: credentials from the environment, quoting of secrets, refused logins as one line. */
class SecurityTest {

    private static final String TRICKY = "pa\"ss\\wo'rd ${user.home} ;=:#é€";

    @TempDir
    Path dir;

    @AfterEach
    void plainAgain() {
        Clients.localStackSecure(false);
    }

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private static Map<String, String> allFour() {
        return env(
                "KAFKA_SASL_USERNAME",
                "pipeline",
                "KAFKA_SASL_PASSWORD",
                TRICKY,
                "CASSANDRA_USERNAME",
                "Pipeline.Owner",
                "CASSANDRA_PASSWORD",
                "c-secret");
    }

    @Test
    void missingCredentialsAreNamedInOneLineWithoutValues() {
        assertThatThrownBy(() -> Credentials.fromEnvironment(
                        env("KAFKA_SASL_USERNAME", "u", "CASSANDRA_PASSWORD", "s3cret"), "./stack up --secure needs"))
                .isInstanceOfSatisfying(
                        StackException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
                .hasMessageStartingWith(
                        "./stack up --secure needs KAFKA_SASL_PASSWORD, CASSANDRA_USERNAME in the environment")
                .hasMessageNotContaining("s3cret")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void userNamesArePlainAndNotTheStacksOwn() {
        Map<String, String> env = allFour();
        env.put("KAFKA_SASL_USERNAME", "bad user");
        assertThatThrownBy(() -> Credentials.fromEnvironment(env, "x"))
                .hasMessageStartingWith("KAFKA_SASL_USERNAME must be 1 to 64 letters");
        env.put("KAFKA_SASL_USERNAME", "stack-broker");
        assertThatThrownBy(() -> Credentials.fromEnvironment(env, "x"))
                .hasMessageContaining("must not be 'stack-broker'");
        env.put("KAFKA_SASL_USERNAME", "u");
        env.put("CASSANDRA_USERNAME", "Cassandra");
        assertThatThrownBy(() -> Credentials.fromEnvironment(env, "x")).hasMessageContaining("must not be 'cassandra'");
        env.put("CASSANDRA_USERNAME", "u");
        env.put("CASSANDRA_PASSWORD", "line\nbreak");
        assertThatThrownBy(() -> Credentials.fromEnvironment(env, "x"))
                .hasMessageStartingWith("CASSANDRA_PASSWORD contains a control character")
                .hasMessageNotContaining("line\nbreak");
    }

    @Test
    void credentialsNeverPrintTheirPasswords() {
        Credentials c = Credentials.fromEnvironment(allFour(), "x");
        assertThat(c.toString())
                .contains("pipeline", "Pipeline.Owner")
                .doesNotContain(TRICKY)
                .doesNotContain("c-secret");
        assertThat(c.flinkEnvironment())
                .containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
                .containsEntry("KAFKA_SASL_MECHANISM", "PLAIN")
                .containsEntry("KAFKA_SASL_PASSWORD", TRICKY)
                .containsEntry("CASSANDRA_USERNAME", "Pipeline.Owner");
    }

    @Test
    void jaasQuotingSurvivesKafkasParser() {
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username="
                + SaslLogin.quote("a-b.c_9") + " password=" + SaslLogin.quote(TRICKY) + " user_a-b.c_9="
                + SaslLogin.quote(TRICKY) + ";";
        JaasContext context = JaasContext.loadClientContext(Map.of("sasl.jaas.config", new Password(jaas)));
        AppConfigurationEntry entry = context.configurationEntries().get(0);
        assertThat(new HashMap<String, Object>(entry.getOptions()))
                .containsEntry("username", "a-b.c_9")
                .containsEntry("password", TRICKY)
                .containsEntry("user_a-b.c_9", TRICKY);
    }

    @Test
    void propertiesLineReadsBackExactlyAsTheBrokerLoadsIt() throws Exception {
        String line = Secrets.propertiesLine(
                "listener.name.sasl_plaintext.plain.sasl.jaas.config", "x password=\"" + TRICKY + "\";");
        assertThat(line).isEqualTo(new String(line.getBytes(StandardCharsets.US_ASCII), StandardCharsets.US_ASCII));
        Properties read = new Properties();
        read.load(new ByteArrayInputStream(("a=b\n" + line + "\n").getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(read.getProperty("listener.name.sasl_plaintext.plain.sasl.jaas.config"))
                .isEqualTo("x password=\"" + TRICKY + "\";");
    }

    @Test
    void cqlQuoting() {
        assertThat(Secrets.cqlString("it's")).isEqualTo("'it''s'");
        assertThat(Secrets.cqlName("Pipeline.Owner")).isEqualTo("\"Pipeline.Owner\"");
        assertThat(Secrets.cqlName("a\"b")).isEqualTo("\"a\"\"b\"");
        assertThat(Secrets.randomPassword()).hasSize(43).doesNotContain("\"", "'", "\\");
    }

    @Test
    void secretFilesAreOwnerOnly() throws Exception {
        Path file = dir.resolve("server.properties");
        Files.writeString(file, "old");
        Secrets.writeOwnerOnly(file, "new");
        assertThat(Files.readString(file)).isEqualTo("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(Files.exists(dir.resolve("server.properties.tmp"))).isFalse();
    }

    @Test
    void kafkaClientsLogInOnlyWhenTheStackOrTheEnvironmentSaysSo() {
        assertThat(Clients.kafkaSecurity(allFour(), false)).containsOnly(Map.entry("security.protocol", "PLAINTEXT"));
        Properties secured = Clients.kafkaSecurity(allFour(), true);
        assertThat(secured)
                .containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "PLAIN");
        assertThat((String) secured.get("sasl.jaas.config"))
                .startsWith("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"pipeline\"");
        Map<String, String> scram = allFour();
        scram.put("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT");
        scram.put("KAFKA_SASL_MECHANISM", "SCRAM-SHA-256");
        assertThat((String) Clients.kafkaSecurity(scram, false).get("sasl.jaas.config"))
                .startsWith("org.apache.kafka.common.security.scram.ScramLoginModule");
        assertThatThrownBy(() -> Clients.kafkaSecurity(env(), true))
                .hasMessage("Kafka SASL_PLAINTEXT (the stack runs with --secure) needs KAFKA_SASL_USERNAME and "
                        + "KAFKA_SASL_PASSWORD in the environment");
        assertThatThrownBy(() -> Clients.kafkaSecurity(env("KAFKA_SECURITY_PROTOCOL", "SSL"), false))
                .hasMessageStartingWith("KAFKA_SECURITY_PROTOCOL must be one of");
    }

    @Test
    void securedBrokerHasOnlyASaslClientListenerAndItsUsersInAnOwnerOnlyFile() throws Exception {
        StackLayout layout = new StackLayout(dir, dir.resolve(".stack"));
        StackSettings settings = StackSettings.load(
                layout,
                Args.parse(List.of("--secure", "--kafka-port", "29092"), StackSettings.OPTIONS, StackSettings.FLAGS));
        KafkaNode node = new KafkaNode(layout, settings, Credentials.fromEnvironment(allFour(), "x"), 4);
        Properties props = new Properties();
        props.load(new ByteArrayInputStream(
                node.serverProperties(dir.resolve("data")).getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(props.getProperty("listeners"))
                .isEqualTo("SASL_PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:9093");
        assertThat(props.getProperty("inter.broker.listener.name")).isEqualTo("SASL_PLAINTEXT");
        assertThat(props.getProperty("sasl.enabled.mechanisms")).isEqualTo("PLAIN");
        String jaas = props.getProperty("listener.name.sasl_plaintext.plain.sasl.jaas.config");
        Map<String, Object> options = new HashMap<>();
        options.putAll(JaasContext.loadClientContext(Map.of("sasl.jaas.config", new Password(jaas)))
                .configurationEntries()
                .get(0)
                .getOptions());
        assertThat(options)
                .containsEntry("user_pipeline", TRICKY)
                .containsEntry("username", "stack-broker")
                .containsKey("user_stack-broker");
        assertThat(options.get("password")).isEqualTo(options.get("user_stack-broker"));

        KafkaNode plain = new KafkaNode(layout, StackSettings.load(layout, null), null, 4);
        Properties plainProps = new Properties();
        plainProps.load(new ByteArrayInputStream(
                plain.serverProperties(dir.resolve("data")).getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(plainProps.getProperty("listeners")).startsWith("PLAINTEXT://127.0.0.1:");
        assertThat(plainProps.stringPropertyNames()).noneMatch(k -> k.contains("sasl"));
    }

    @Test
    void refusedLoginsBecomeOneLineNamingTheServiceAndAuthenticationFailed() {
        ExecutionException kafka = new ExecutionException(new SaslAuthenticationException(
                "Authentication failed during authentication due to invalid credentials with SASL mechanism PLAIN"));
        assertThat(AuthFailures.kafka(new RuntimeException("wrapped", kafka))).isPresent();
        assertThat(AuthFailures.kafka(new RuntimeException("other"))).isEmpty();
        assertThat(AuthFailures.kafkaMessage(
                        "127.0.0.1:9092", AuthFailures.kafka(kafka).get()))
                .startsWith("Kafka at 127.0.0.1:9092: authentication failed (Authentication failed during "
                        + "authentication due to invalid credentials")
                .contains("KAFKA_SASL_PASSWORD");

        AuthenticationException cassandra = new AuthenticationException(
                new DefaultEndPoint(new InetSocketAddress("127.0.0.1", 9042)),
                "server replied with 'Provided username intruder and/or password are incorrect' to "
                        + "AuthResponse request");
        assertThat(AuthFailures.cassandra(new IllegalStateException(cassandra))).contains(cassandra);
        assertThat(AuthFailures.cassandraMessage("127.0.0.1:9042", "intruder", cassandra))
                .isEqualTo("Cassandra at 127.0.0.1:9042: authentication failed for user 'intruder' (Provided "
                        + "username intruder and/or password are incorrect);"
                        + " check CASSANDRA_USERNAME and CASSANDRA_PASSWORD");
        assertThat(AuthFailures.cassandraMessage("127.0.0.1:9042", null, cassandra))
                .contains("requires a login: set CASSANDRA_USERNAME and CASSANDRA_PASSWORD");
        assertThat(AuthFailures.explain(new RuntimeException(kafka)))
                .get()
                .asString()
                .startsWith("Kafka: authentication failed");
        assertThat(AuthFailures.explain(cassandra))
                .get()
                .asString()
                .startsWith("Cassandra: authentication failed (Provided username intruder");
        assertThat(AuthFailures.explain(new RuntimeException("x"))).isEmpty();
    }

    @Test
    void secureIsRememberedAndTurnedOffExplicitly() {
        StackLayout layout = new StackLayout(dir, dir.resolve(".stack"));
        assertThat(StackSettings.load(layout, null).secure()).isFalse();
        StackSettings.load(layout, Args.parse(List.of("--secure"), StackSettings.OPTIONS, StackSettings.FLAGS))
                .save(layout);
        assertThat(StackSettings.load(layout, null).secure()).isTrue();
        assertThat(StackSettings.load(
                                layout, Args.parse(List.of("--no-secure"), StackSettings.OPTIONS, StackSettings.FLAGS))
                        .secure())
                .isFalse();
        assertThatThrownBy(() -> StackSettings.load(
                        layout,
                        Args.parse(List.of("--secure", "--no-secure"), StackSettings.OPTIONS, StackSettings.FLAGS)))
                .hasMessageContaining("contradict");
    }

    @Test
    void upSecureWithoutCredentialsFailsBeforeStartingAnything() {
        StackLayout layout = new StackLayout(dir, dir.resolve(".stack"));
        StackCli cli = new StackCli(
                layout,
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()),
                env("KAFKA_SASL_USERNAME", "u"));
        assertThatThrownBy(() -> cli.run(List.of("up", "--secure")))
                .isInstanceOfSatisfying(
                        StackException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
                .hasMessage("./stack up --secure needs KAFKA_SASL_PASSWORD, CASSANDRA_USERNAME, "
                        + "CASSANDRA_PASSWORD in the environment"
                        + " (the user names and passwords of Kafka and Cassandra; passwords are never "
                        + "taken from the command line)");
        assertThat(Files.exists(layout.settingsFile())).isFalse();
        assertThat(Files.exists(layout.runDir())).isFalse();
    }

    @Test
    void laterCommandsOfASecuredStackNeedTheCredentialsToo() {
        StackLayout layout = new StackLayout(dir, dir.resolve(".stack"));
        StackSettings.load(layout, Args.parse(List.of("--secure"), StackSettings.OPTIONS, StackSettings.FLAGS))
                .save(layout);
        StackCli cli = new StackCli(
                layout,
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()),
                env());
        for (String command : Set.of("status", "generate", "views", "replay", "cql", "flink")) {
            assertThatThrownBy(() -> cli.run(List.of(command)))
                    .as(command)
                    .hasMessageStartingWith(
                            "the stack runs secured (./stack up --secure) and needs KAFKA_SASL_USERNAME, "
                                    + "KAFKA_SASL_PASSWORD, CASSANDRA_USERNAME, CASSANDRA_PASSWORD");
        }
        // stopping needs no login
        assertThat(cli.run(List.of("down"))).isZero();
    }
}
