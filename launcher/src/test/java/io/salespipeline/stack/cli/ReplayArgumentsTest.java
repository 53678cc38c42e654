package io.salespipeline.stack.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.salespipeline.stack.StackException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code ./replay}'s argument errors: one line, exit code 2, before anything is contacted. */
class ReplayArgumentsTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** No stack layout: a command that got past its arguments would fail on it, not on a service. */
    private int run(String... argv) {
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        return new ReplayCli(null, print, print, Map.of()).run(List.of(argv));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "resume --version 0                       | --version must be a positive whole number, got 0",
                "resume --version -3                      | --version must be a positive whole number, got -3",
                "resume --version two                     | option --version expects a whole number, got 'two'",
                "resume --from                            | option --from needs a value",
                "resume --savepoint-dir /tmp              | unknown option --savepoint-dir",
                "resume --version 1 --version 2           | option --version is given twice",
                "resume chk-12                            | unexpected argument 'chk-12' (job settings go after --)",
                "resume --from /x --checkpoint-dir /y     | resume takes --from or --checkpoint-dir, not both",
                "diff 1                                  | diff needs two versions: ./replay diff A B (e.g. ./replay diff 1 2)",
                "diff 1 two                              | a version is a positive whole number, got 'two'",
                "diff 0 2                                | a version is a positive whole number, got '0'",
                "diff 1 2 --settle soon                  | option --settle expects a duration such as 500ms, 90s, 2min or 1h, got 'soon'",
            })
    void argumentErrorsAreOneLineWithExitCodeTwo(String argv, String message) {
        assertThatThrownBy(() -> run(argv.strip().split("\\s+")))
                .isInstanceOf(StackException.class)
                .hasMessageStartingWith(message)
                .satisfies(e -> assertThat(((StackException) e).exitCode()).isEqualTo(2))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aFromThatIsNotACompletedCheckpointIsRefusedBeforeConnecting() throws Exception {
        Path unfinished = Files.createDirectories(
                dir.resolve("0123456789abcdef0123456789abcdef").resolve("chk-3"));

        assertThatThrownBy(() -> run("resume", "--from", unfinished.toString()))
                .isInstanceOf(StackException.class)
                .hasMessage("--from " + unfinished
                        + ": no _metadata in it, so it is not a completed checkpoint or savepoint");
        assertThatThrownBy(() -> run("resume", "--from", dir.resolve("gone").toString()))
                .isInstanceOf(StackException.class)
                .hasMessageContaining("no such checkpoint or savepoint directory");
    }

    @Test
    void theUsageListsResumeAndDiff() {
        assertThat(run("help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains(
                        "resume [--version N] [--from PATH] [--checkpoint-dir DIR]",
                        "diff A B [--settle DURATION] [--json]");
    }
}
