package io.salespipeline.stack.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.salespipeline.stack.StackException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the checkpoint a lost job can resume from, in directories laid out as Flink leaves them. */
class RetainedCheckpointsTest {

    private static final String JOB_A = "0123456789abcdef0123456789abcdef";
    private static final String JOB_B = "fedcba9876543210fedcba9876543210";

    @TempDir
    Path dir;

    @Test
    void theLatestCheckpointOfAJobIsTheHighestNumberWithItsMetadata() throws IOException {
        completed(JOB_A, 9, "2024-03-01T10:00:00Z");
        completed(JOB_A, 12, "2024-03-01T10:00:20Z");
        Files.createDirectories(dir.resolve(JOB_A).resolve("chk-13")); // in progress when the JobManager died
        Files.createDirectories(dir.resolve(JOB_A).resolve("shared"));
        Files.createDirectories(dir.resolve(JOB_A).resolve("taskowned"));

        RetainedCheckpoints.RestorePoint latest =
                RetainedCheckpoints.latestOf(dir, JOB_A).orElseThrow();

        assertThat(latest.checkpointId()).isEqualTo(12); // numerically, not "9" > "12"
        assertThat(latest.pointer())
                .isEqualTo(dir.resolve(JOB_A).resolve("chk-12").toString());
        assertThat(latest.jobId()).isEqualTo(JOB_A);
        assertThat(latest.completedAt()).isEqualTo(Instant.parse("2024-03-01T10:00:20Z"));
        assertThat(latest.describe(Instant.parse("2024-03-01T10:00:32Z")))
                .isEqualTo("checkpoint 12 of job " + JOB_A + " " + latest.pointer()
                        + ", completed at 2024-03-01T10:00:20Z (12s ago)");
    }

    @Test
    void anEmptyMetadataFileIsNotACompletedCheckpoint() throws IOException {
        completed(JOB_A, 3, "2024-03-01T10:00:00Z");
        Path torn = Files.createDirectories(dir.resolve(JOB_A).resolve("chk-4"));
        Files.createFile(torn.resolve("_metadata"));

        assertThat(RetainedCheckpoints.latestOf(dir, JOB_A).orElseThrow().checkpointId())
                .isEqualTo(3);
    }

    @Test
    void aJobWithoutACompletedCheckpointOrWithoutADirectoryHasNone() throws IOException {
        Files.createDirectories(dir.resolve(JOB_A).resolve("chk-1"));
        Files.createDirectories(dir.resolve(JOB_A).resolve("shared"));

        assertThat(RetainedCheckpoints.latestOf(dir, JOB_A)).isEmpty();
        assertThat(RetainedCheckpoints.latestOf(dir, JOB_B)).isEmpty();
        assertThat(RetainedCheckpoints.newest(dir)).isEmpty();
        assertThat(RetainedCheckpoints.newest(dir.resolve("missing"))).isEmpty();
    }

    @Test
    void withoutARecordedJobTheNewestCheckpointOverAllJobsWins() throws IOException {
        completed(JOB_A, 40, "2024-03-01T10:00:00Z"); // older job, higher number
        completed(JOB_B, 41, "2024-03-01T11:00:00Z");
        completed(JOB_B, 42, "2024-03-01T11:00:10Z");
        Files.createDirectories(dir.resolve("not-a-job").resolve("chk-99"));
        Files.writeString(dir.resolve("not-a-job").resolve("chk-99").resolve("_metadata"), "x");

        RetainedCheckpoints.RestorePoint newest =
                RetainedCheckpoints.newest(dir).orElseThrow();

        assertThat(newest.jobId()).isEqualTo(JOB_B);
        assertThat(newest.checkpointId()).isEqualTo(42);
    }

    @Test
    void fromTakesACheckpointDirectoryItsMetadataFileOrAFileUri() throws IOException {
        Path chk = completed(JOB_A, 7, "2024-03-01T10:00:00Z");

        for (String given : new String[] {
            chk.toString(), chk.resolve("_metadata").toString(), chk.toUri().toString(), "file:" + chk
        }) {
            RetainedCheckpoints.RestorePoint point = RetainedCheckpoints.given(given);
            assertThat(point.pointer()).as(given).isEqualTo(chk.toString());
            assertThat(point.checkpointId()).as(given).isEqualTo(7);
            assertThat(point.jobId()).as(given).isEqualTo(JOB_A);
            assertThat(point.completedAt()).as(given).isEqualTo(Instant.parse("2024-03-01T10:00:00Z"));
        }
    }

    @Test
    void fromTakesASavepointAndPassesARemoteLocationThroughUnread() throws IOException {
        Path savepoint = Files.createDirectories(dir.resolve("savepoint-abc123-0123456789ab"));
        Files.writeString(savepoint.resolve("_metadata"), "metadata");

        RetainedCheckpoints.RestorePoint point = RetainedCheckpoints.given(savepoint.toString());
        assertThat(point.isCheckpoint()).isFalse();
        assertThat(point.describe(Instant.now())).startsWith("savepoint " + savepoint);

        RetainedCheckpoints.RestorePoint remote =
                RetainedCheckpoints.given("s3://bucket/checkpoints/" + JOB_A + "/chk-5");
        assertThat(remote.pointer()).isEqualTo("s3://bucket/checkpoints/" + JOB_A + "/chk-5");
        assertThat(remote.checkpointId()).isEqualTo(5);
        assertThat(remote.completedAt()).isNull();
        assertThat(remote.describe(Instant.now())).endsWith("completion time unknown (not readable from here)");
    }

    @Test
    void fromRefusesAMissingOrUnfinishedCheckpoint() throws IOException {
        Path unfinished = Files.createDirectories(dir.resolve(JOB_A).resolve("chk-8"));

        assertThatThrownBy(() -> RetainedCheckpoints.given(unfinished.toString()))
                .isInstanceOf(StackException.class)
                .hasMessageContaining("no _metadata in it");
        assertThatThrownBy(
                        () -> RetainedCheckpoints.given(dir.resolve("nowhere").toString()))
                .isInstanceOf(StackException.class)
                .hasMessageContaining("no such checkpoint or savepoint directory")
                .satisfies(e -> assertThat(((StackException) e).exitCode()).isEqualTo(2));
    }

    @Test
    void onlyLocalCheckpointDirectoriesCanBeListed() {
        assertThat(RetainedCheckpoints.localDirectory("file:///var/flink/checkpoints"))
                .contains(Path.of("/var/flink/checkpoints"));
        assertThat(RetainedCheckpoints.localDirectory("file:/var/flink/checkpoints"))
                .contains(Path.of("/var/flink/checkpoints"));
        assertThat(RetainedCheckpoints.localDirectory("/var/flink/checkpoints/"))
                .contains(Path.of("/var/flink/checkpoints"));
        assertThat(RetainedCheckpoints.localDirectory("s3://bucket/checkpoints"))
                .isEmpty();
        assertThat(RetainedCheckpoints.localDirectory("hdfs://namenode:8020/checkpoints"))
                .isEmpty();
    }

    private Path completed(String job, int n, String completedAt) throws IOException {
        Path chk = Files.createDirectories(dir.resolve(job).resolve("chk-" + n));
        Path metadata = Files.writeString(chk.resolve("_metadata"), "metadata of " + n);
        Files.setLastModifiedTime(metadata, FileTime.from(Instant.parse(completedAt)));
        return chk;
    }
}
