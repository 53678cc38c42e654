package io.salespipeline.stack.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.salespipeline.contract.Topic;
import io.salespipeline.stack.Args;
import io.salespipeline.stack.StackException;
import io.salespipeline.stack.clients.CqlScripts;
import io.salespipeline.stack.local.FlinkCluster;
import io.salespipeline.stack.local.FlinkConf;
import io.salespipeline.stack.local.StackLayout;
import io.salespipeline.stack.local.StackSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherTest {

    @TempDir
    Path dir;

    private StackCli cli() {
        return new StackCli(
                new StackLayout(dir, dir.resolve(".stack")),
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()));
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertThatThrownBy(() -> cli().run(List.of("upp")))
                .isInstanceOfSatisfying(
                        StackException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
                .hasMessageContaining("unknown command 'upp'");
    }

    @Test
    void badPortIsAUsageErrorNamingTheOption() {
        assertThatThrownBy(() -> cli().run(List.of("up", "--kafka-port", "ninety")))
                .isInstanceOfSatisfying(
                        StackException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
                .hasMessage("--kafka-port expects a port number, got 'ninety'");
        assertThatThrownBy(() -> cli().run(List.of("up", "--flink-port", "80")))
                .hasMessage("--flink-port must be between 1024 and 65535, got 80");
    }

    @Test
    void unknownOptionListsTheKnownOnes() {
        assertThatThrownBy(() -> cli().run(List.of("down", "--purgee")))
                .hasMessageContaining("unknown option --purgee")
                .hasMessageContaining("--purge");
    }

    @Test
    void statusEnvFailsWhenNothingRuns() {
        assertThat(cli().run(List.of("status", "--env"))).isEqualTo(3);
    }

    @Test
    void argsTakeBothSpellingsOfValues() {
        Args args = Args.parse(List.of("--a", "1", "--b=2", "--f", "pos"), Set.of("a", "b"), Set.of("f"));
        assertThat(args.value("a")).isEqualTo("1");
        assertThat(args.value("b")).isEqualTo("2");
        assertThat(args.flag("f")).isTrue();
        assertThat(args.positional()).containsExactly("pos");
        assertThatThrownBy(() -> Args.parse(List.of("--a"), Set.of("a"), Set.of()))
                .hasMessage("option --a needs a value");
    }

    @Test
    void durationsTakeAUnitOrSeconds() {
        Args args = Args.parse(
                List.of("--a", "90s", "--b", "2min", "--c", "45", "--d", "500ms", "--e", "1h"),
                Set.of("a", "b", "c", "d", "e"),
                Set.of());
        assertThat(args.durationValue("a")).isEqualTo(java.time.Duration.ofSeconds(90));
        assertThat(args.durationValue("b")).isEqualTo(java.time.Duration.ofMinutes(2));
        assertThat(args.durationValue("c")).isEqualTo(java.time.Duration.ofSeconds(45));
        assertThat(args.durationValue("d")).isEqualTo(java.time.Duration.ofMillis(500));
        assertThat(args.durationValue("e")).isEqualTo(java.time.Duration.ofHours(1));
        assertThat(args.durationValue("missing")).isNull();
        assertThatThrownBy(() -> Args.parse(List.of("--for", "soon"), Set.of("for"), Set.of())
                        .durationValue("for"))
                .hasMessage("option --for expects a duration such as 500ms, 90s, 2min or 1h, got 'soon'");
        assertThatThrownBy(() -> Args.parse(List.of("--for", "0s"), Set.of("for"), Set.of())
                        .durationValue("for"))
                .hasMessage("option --for must be longer than 0, got '0s'");
    }

    @Test
    void settingsAreRememberedBetweenCalls() {
        StackLayout layout = new StackLayout(dir, dir.resolve(".stack"));
        StackSettings.load(layout, Args.parse(List.of("--kafka-port", "29092"), StackSettings.OPTIONS, Set.of()))
                .save(layout);
        StackSettings later = StackSettings.load(layout, null);
        assertThat(later.kafkaBootstrap()).isEqualTo("127.0.0.1:29092");
        assertThat(later.cassandraContact()).isEqualTo("127.0.0.1:9042");
    }

    @Test
    void taskManagersAreACountFromOneToFourAndRemembered() {
        StackLayout layout = new StackLayout(dir, dir.resolve(".stack"));
        assertThat(StackSettings.load(layout, null).taskManagers()).isEqualTo(2);
        StackSettings.load(layout, Args.parse(List.of("--taskmanagers", "3"), StackSettings.OPTIONS, Set.of()))
                .save(layout);
        assertThat(StackSettings.load(layout, null).taskManagers()).isEqualTo(3);
        for (String wrong : List.of("0", "5", "two", "2g")) {
            assertThatThrownBy(() -> StackSettings.load(
                            layout, Args.parse(List.of("--taskmanagers", wrong), StackSettings.OPTIONS, Set.of())))
                    .hasMessage("--taskmanagers expects a number from 1 to 4, got '" + wrong + "'");
        }
    }

    @Test
    void theEnvelopeTopicsKeepThirtyDaysUnlessUpIsToldOtherwiseAndTheLogIsKeptForever() {
        StackLayout layout = new StackLayout(dir, dir.resolve(".stack"));
        StackSettings defaults = StackSettings.load(layout, null);
        assertThat(defaults.retention(Topic.DEAD_LETTERS)).isEqualTo(java.time.Duration.ofDays(30));
        assertThat(defaults.retention(Topic.LATE_EVENTS)).isEqualTo(java.time.Duration.ofDays(30));
        assertThat(defaults.retention(Topic.ITEM_SALES)).isNull();
        assertThat(defaults.retention(Topic.ITEM_CATALOG)).isNull();
        StackSettings.load(
                        layout,
                        Args.parse(
                                List.of("--dlq-retention", "none", "--late-retention", "12h"),
                                StackSettings.OPTIONS,
                                Set.of()))
                .save(layout);
        StackSettings later = StackSettings.load(layout, null);
        assertThat(later.retention(Topic.DEAD_LETTERS)).as("none: forever").isNull();
        assertThat(later.retention(Topic.LATE_EVENTS)).isEqualTo(java.time.Duration.ofHours(12));
        for (String wrong : List.of("0d", "30", "2w", "-1d")) {
            assertThatThrownBy(() -> StackSettings.load(
                            layout, Args.parse(List.of("--dlq-retention", wrong), StackSettings.OPTIONS, Set.of())))
                    .hasMessage(
                            "--dlq-retention expects hours or days such as 12h or 30d, or none, got '" + wrong + "'");
        }
    }

    @Test
    void eachTaskManagerIsAProcessNamedAfterItsResourceIdAndStrayOnesAreListedWhileTheyRun() throws Exception {
        StackLayout layout = new StackLayout(dir, dir.resolve(".stack"));
        StackSettings.load(layout, Args.parse(List.of("--taskmanagers", "2"), StackSettings.OPTIONS, Set.of()))
                .save(layout);
        Files.createDirectories(layout.runDir());
        // a third TaskManager from an earlier, larger stack: this JVM stands in for it (a running process of ours)
        ProcessHandle self = ProcessHandle.current();
        Files.writeString(
                layout.runDir().resolve("flink-taskmanager-3.pid"),
                "pid=" + self.pid() + "\nstarted="
                        + self.info().startInstant().orElseThrow().toString().replace(":", "\\:") + "\n");
        Files.writeString(layout.runDir().resolve("flink-taskmanager-4.pid"), "pid=999999999\n");

        try (FlinkCluster flink = new FlinkCluster(layout, StackSettings.load(layout, null), null)) {
            assertThat(flink.processes())
                    .extracting(p -> p.name)
                    .containsExactly(
                            "flink-jobmanager", "flink-taskmanager-1", "flink-taskmanager-2", "flink-taskmanager-3");
        }
        assertThat(layout.taskManager("taskmanager-3").pid()).isEqualTo(self.pid());
        assertThatThrownBy(() -> layout.taskManager("taskmanager-4"))
                .hasMessageContaining("is not running as process flink-taskmanager-4");
        assertThatThrownBy(() -> layout.taskManager("127.0.0.1:40965-3b7024"))
                .hasMessageContaining("was not started by ./stack");
    }

    @Test
    void flinkConfOverridesKeysInPlaceAndAppendsMissingOnes() throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "# comment\nrest.port: 8081\nenv.java.opts.all: --add-opens=a --add-opens=b\n");
        FlinkConf conf = FlinkConf.read(file).with(Map.of("rest.port", "18081", "io.tmp.dirs", "/tmp/x y"));
        Path out = dir.resolve("out.yaml");
        conf.write(out);
        assertThat(Files.readAllLines(out))
                .containsSubsequence("# comment", "rest.port: 18081", "io.tmp.dirs: '/tmp/x y'");
        FlinkConf reread = FlinkConf.read(out);
        assertThat(reread.get("io.tmp.dirs")).isEqualTo("/tmp/x y");
        assertThat(FlinkCluster.javaOpts(reread, "env.java.opts.taskmanager"))
                .containsExactly("--add-opens=a", "--add-opens=b");
    }

    @Test
    void flinkConfDropsAReportersKeys() throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(
                file, "metrics.reporter.prom.port: 9249\nmetrics.reporter.prom.factory.class: X\nrest.port: 8081\n");
        Path out = dir.resolve("out.yaml");
        FlinkConf.read(file).without("metrics.reporter.prom.").write(out);
        assertThat(Files.readAllLines(out)).containsExactly("rest.port: 8081");
    }

    @Test
    void nestedFlinkConfIsRejectedWithTheLine() throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "rest:\n  port: 8081\n");
        assertThatThrownBy(() -> FlinkConf.read(file).get("rest.port"))
                .hasMessageContaining("line 1")
                .hasMessageContaining("flattened");
    }

    @Test
    void cqlStatementsSplitOutsideStringsAndComments() {
        String script = """
                -- a comment; with a semicolon
                CREATE TABLE a (x text); /* block; comment */
                INSERT INTO a (x) VALUES ('it''s; fine');
                // trailing comment
                SELECT * FROM "we;ird"
                """;
        assertThat(CqlScripts.statements(script))
                .containsExactly(
                        "CREATE TABLE a (x text)",
                        "INSERT INTO a (x) VALUES ('it''s; fine')",
                        "SELECT * FROM \"we;ird\"");
    }

    @Test
    void theShippedSchemaSplitsIntoItsStatements() throws Exception {
        Path cql = io.salespipeline.testkit.StackScript.locateRepoRoot().resolve("cql");
        assertThat(CqlScripts.statements(Files.readString(cql.resolve("10-views.cql"))))
                .hasSize(7);
        assertThat(CqlScripts.statements(Files.readString(cql.resolve("00-control.cql"))))
                .hasSize(9);
    }

    @Test
    void aSchemaStatementThatTimedOutRunsAgainAfterAPause() {
        List<Long> pauses = new java.util.ArrayList<>();
        int[] attempts = {0};
        CqlScripts.retryingTransientFailures(
                () -> {
                    if (++attempts[0] < 3) {
                        throw new com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException(
                                null,
                                com.datastax.oss.driver.api.core.DefaultConsistencyLevel.SERIAL,
                                0,
                                1,
                                com.datastax.oss.driver.api.core.servererrors.WriteType.CAS);
                    }
                },
                new long[] {10, 20, 40},
                pauses::add);
        assertThat(attempts[0]).isEqualTo(3);
        assertThat(pauses).containsExactly(10L, 20L);

        // seen in CI: the just-restarted node dropped the session's only connection
        pauses.clear();
        attempts[0] = 0;
        CqlScripts.retryingTransientFailures(
                () -> {
                    if (++attempts[0] < 2) {
                        throw new com.datastax.oss.driver.api.core.NoNodeAvailableException();
                    }
                },
                new long[] {10, 20, 40},
                pauses::add);
        assertThat(attempts[0]).isEqualTo(2);
        assertThat(pauses).containsExactly(10L);
    }

    @Test
    void aSchemaStatementStopsRetryingWhenThePausesRunOutOrTheFailureIsNotTransient() {
        List<Long> pauses = new java.util.ArrayList<>();
        assertThatThrownBy(() -> CqlScripts.retryingTransientFailures(
                        () -> {
                            throw new com.datastax.oss.driver.api.core.DriverTimeoutException(
                                    "Query timed out after PT2S");
                        },
                        new long[] {10, 20},
                        pauses::add))
                .hasMessageContaining("timed out");
        assertThat(pauses).containsExactly(10L, 20L);

        pauses.clear();
        assertThatThrownBy(() -> CqlScripts.retryingTransientFailures(
                        () -> {
                            throw new com.datastax.oss.driver.api.core.servererrors.SyntaxError(
                                    null, "line 1:0 no viable alternative");
                        },
                        new long[] {10, 20},
                        pauses::add))
                .hasMessageContaining("no viable alternative");
        assertThat(pauses).isEmpty();
    }
}
