package io.salespipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.salespipeline.stack.StackException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BenchOptionsTest {

    private static final Path REPO = Path.of("/repo");

    private static BenchOptions parse(String... argv) {
        return BenchOptions.parse(List.of(argv), REPO);
    }

    @Test
    void defaultsAreTheIssuesRun() {
        BenchOptions o = parse();
        assertThat(o.events()).isEqualTo(10_000_000);
        assertThat(o.partitions()).isEqualTo(4);
        assertThat(o.sample()).isEqualTo(1_000_000);
        assertThat(o.warmupSeconds()).isEqualTo(20);
        assertThat(o.latencyRates()).containsExactly(2_000, 10_000);
        assertThat(o.parallelism()).isEqualTo(4);
        assertThat(o.skip()).isEmpty();
        assertThat(o.out()).isEqualTo(Path.of("/repo/target/bench"));
        assertThat(o.topic()).isNull();
        assertThat(o.keep()).isFalse();
        assertThat(o.jobArgs()).isEmpty();
        assertThat(o.flinkConfiguration()).isEmpty();
    }

    @Test
    void readsEveryOption() {
        BenchOptions o = parse(
                "--events",
                "2M",
                "--partitions",
                "8",
                "--sample",
                "500k",
                "--warmup",
                "0",
                "--latency-rates",
                "1000, 5k",
                "--latency-seconds",
                "10",
                "--recovery-rate",
                "3000",
                "--parallelism",
                "3",
                "--skip",
                "latency,recovery",
                "--out",
                "/tmp/b",
                "--keep");
        assertThat(o.events()).isEqualTo(2_000_000);
        assertThat(o.partitions()).isEqualTo(8);
        assertThat(o.sample()).isEqualTo(500_000);
        assertThat(o.warmupSeconds()).isZero();
        assertThat(o.latencyRates()).containsExactly(1_000, 5_000);
        assertThat(o.latencySeconds()).isEqualTo(10);
        assertThat(o.recoveryRate()).isEqualTo(3_000);
        assertThat(o.parallelism()).isEqualTo(3);
        assertThat(o.skip()).containsExactlyInAnyOrder(Step.LATENCY, Step.RECOVERY);
        assertThat(o.runs(Step.REPLAY)).isTrue();
        assertThat(o.runs(Step.LATENCY)).isFalse();
        assertThat(o.out()).isEqualTo(Path.of("/tmp/b"));
        assertThat(o.keep()).isTrue();
    }

    @Test
    void jobSettingsFollowTheSeparator() {
        BenchOptions o = parse("--events", "1000", "--", "--cassandra.max-concurrent-requests", "512");
        assertThat(o.events()).isEqualTo(1_000);
        assertThat(o.jobArgs()).containsExactly("--cassandra.max-concurrent-requests", "512");
    }

    @Test
    void flinkOptionsAreKeyValuePairsInOrder() {
        BenchOptions o = parse("--flink", "state.backend.type=hashmap, execution.checkpointing.interval = 30s");
        assertThat(o.flinkConfiguration())
                .containsExactly(
                        Map.entry("state.backend.type", "hashmap"),
                        Map.entry("execution.checkpointing.interval", "30s"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"state.backend.type", "=hashmap", "state.backend.type=", "a=1,,b=2", "a=1,a=2"})
    void badFlinkOptionsAreUsageErrorsNamingTheOption(String text) {
        assertThatThrownBy(() -> parse("--flink", text))
                .isInstanceOfSatisfying(
                        StackException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
                .hasMessageContaining("--flink");
    }

    @ParameterizedTest
    @CsvSource({"10000000, 10000000", "10M, 10000000", "10m, 10000000", "500k, 500000", "1_000_000, 1000000"})
    void countsTakeSuffixes(String text, long expected) {
        assertThat(BenchOptions.parseCount("events", text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"ten", "0", "-5", "1.5M", "99999999999999999M"})
    void badCountsAreUsageErrorsNamingTheOption(String text) {
        assertThatThrownBy(() -> parse("--events", text))
                .isInstanceOfSatisfying(
                        StackException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
                .hasMessageContaining("--events");
    }

    @Test
    void unknownStepIsAUsageErrorListingTheSteps() {
        assertThatThrownBy(() -> parse("--skip", "replay,latncy"))
                .isInstanceOfSatisfying(
                        StackException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
                .hasMessage("--skip: no step 'latncy' (steps: preload, kafka, cassandra, replay, aggregates, "
                        + "latency, recovery, poison)");
    }

    @Test
    void skippingThePreloadNeedsTheStepsThatReadItSkippedToo() {
        assertThatThrownBy(() -> parse("--skip", "preload,kafka"))
                .hasMessage("--skip preload: cassandra, replay, aggregates read the preloaded log; skip them too "
                        + "or name a log with --topic");
        assertThat(parse("--skip", "preload,kafka,cassandra,replay,aggregates").runs(Step.LATENCY))
                .isTrue();
    }

    @Test
    void anExistingTopicReplacesThePreload() {
        BenchOptions o = parse("--topic", "bench_kept");
        assertThat(o.topic()).isEqualTo("bench_kept");
        assertThat(o.runs(Step.PRELOAD)).isFalse();
        assertThat(o.runs(Step.REPLAY)).isTrue();
        assertThatThrownBy(() -> parse("--topic", "bench_kept", "--events", "1M"))
                .hasMessageContaining("drop --events");
    }

    @Test
    void emptyRateListAndStrayArgumentsAreRejected() {
        assertThatThrownBy(() -> parse("--latency-rates", ",")).hasMessageContaining("at least one rate");
        assertThatThrownBy(() -> parse("replay")).hasMessageContaining("bench takes no arguments, got 'replay'");
        assertThatThrownBy(() -> parse("--evnts", "5")).hasMessageContaining("unknown option --evnts");
    }
}
