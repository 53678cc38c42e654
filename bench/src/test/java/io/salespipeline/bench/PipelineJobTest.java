package io.salespipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.salespipeline.stack.clients.FlinkRest;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineJobTest {

    private static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text.replace('\'', '"'));
    }

    @Test
    void aJobRunsOnlyWhenEveryTaskRuns() throws Exception {
        JsonNode overview = json("{'jobs': ["
                + "{'jid': 'a', 'state': 'RUNNING', 'tasks': {'total': 9, 'running': 9}},"
                + "{'jid': 'b', 'state': 'RUNNING', 'tasks': {'total': 9, 'running': 4, 'deploying': 5}},"
                + "{'jid': 'c', 'state': 'CANCELED', 'tasks': {'total': 9, 'running': 0, 'canceled': 9}}]}");
        assertThat(FlinkRest.tasks(overview, "a"))
                .hasValueSatisfying(t -> assertThat(t.allRunning()).isTrue());
        // a region failover keeps the job RUNNING while its tasks restart
        assertThat(FlinkRest.tasks(overview, "b")).hasValueSatisfying(t -> {
            assertThat(t.allRunning()).isFalse();
            assertThat(t.ended()).isFalse();
        });
        assertThat(FlinkRest.tasks(overview, "c"))
                .hasValueSatisfying(t -> assertThat(t.ended()).isTrue());
        assertThat(FlinkRest.tasks(overview, "d")).isEmpty();
    }

    @Test
    void lastCompletedCheckpointHasItsTriggerAndAckTimes() throws Exception {
        assertThat(PipelineJob.lastCheckpoint(json("{'latest': {'completed': {'id': 7, 'trigger_timestamp': 1000, "
                        + "'latest_ack_timestamp': 1800}}}")))
                .contains(new PipelineJob.Checkpoint(7, 1000, 1800));
        assertThat(PipelineJob.lastCheckpoint(json("{'latest': {'completed': null}}")))
                .isEmpty();
    }

    @Test
    void theCheckpointDirectoryToRemoveIsTheJobsOwnAndOnlyALocalOne() throws Exception {
        String job = "6f1a9c0e2b7d4e5fa1b2c3d4e5f60718";
        assertThat(PipelineJob.localCheckpointDirectory(
                        job,
                        json("{'latest': {'completed': {'external_path': 'file:/tmp/stack/data/flink/checkpoints/" + job
                                + "/chk-12'}}}")))
                .contains(Path.of("/tmp/stack/data/flink/checkpoints", job));
        // not under a directory named after the job (a layout we do not know): nothing to remove
        assertThat(PipelineJob.localCheckpointDirectory(
                        job,
                        json("{'latest': {'completed': {'external_path': "
                                + "'file:/tmp/stack/data/flink/checkpoints/chk-12'}}}")))
                .isEmpty();
        assertThat(PipelineJob.localCheckpointDirectory(
                        job,
                        json("{'latest': {'completed': {'external_path': 's3://bucket/checkpoints/" + job
                                + "/chk-12'}}}")))
                .isEmpty();
        assertThat(PipelineJob.localCheckpointDirectory(job, json("{'latest': {'completed': null}}")))
                .isEmpty();
    }

    @Test
    void eventsReadCountOnlyWhatThePartitionsHold() {
        Map<Integer, Long> start = Map.of(0, 0L, 1, 100L);
        Map<Integer, Long> end = Map.of(0, 500L, 1, 600L);
        assertThat(CatchUpRun.done(Map.of(), start, end)).isZero();
        assertThat(CatchUpRun.done(Map.of(0, 200L), start, end)).isEqualTo(200);
        assertThat(CatchUpRun.done(Map.of(0, 500L, 1, 600L), start, end)).isEqualTo(1000);
        // a position reported past the end (or before the start) is clamped to the partition
        assertThat(CatchUpRun.done(Map.of(0, 900L, 1, 50L), start, end)).isEqualTo(500);
    }
}
