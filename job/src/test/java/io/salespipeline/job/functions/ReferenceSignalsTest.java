package io.salespipeline.job.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.salespipeline.job.records.EnrichmentInput;
import io.salespipeline.job.records.ReferenceRecord;
import io.salespipeline.job.records.ReferenceVersion;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * When the join may call the reference data quiet: never before it was read to where the topics ended at the start
 * (a slow first fetch is not an empty topic), after a restore that had read it at once, and again after each record.
 */
// The harness's close() declares Exception.
@SuppressWarnings("try")
class ReferenceSignalsTest {

    private static final Duration IDLENESS = Duration.ofSeconds(2);
    private static final String CATALOG = "item_catalog";

    private static OneInputStreamOperatorTestHarness<ReferenceRecord, EnrichmentInput> open(
            long catalogEnd, OperatorSubtaskState state) throws Exception {
        Map<String, Long> ends = Map.of(ReferenceLogEnds.partition(CATALOG, 0), catalogEnd);
        OneInputStreamOperatorTestHarness<ReferenceRecord, EnrichmentInput> harness =
                new OneInputStreamOperatorTestHarness<>(new ReferenceSignals(IDLENESS, () -> ends));
        harness.setProcessingTime(0);
        if (state != null) {
            harness.initializeState(state);
        }
        harness.open();
        return harness;
    }

    private static ReferenceRecord version(long offset) {
        return ReferenceRecord.valid(ReferenceVersion.item("item-" + offset, 0, new BigDecimal("1.00"), "things"))
                .at(CATALOG, 0, offset);
    }

    /** The signals emitted since the last call, as kinds. */
    private static List<EnrichmentInput.Kind> drain(
            OneInputStreamOperatorTestHarness<ReferenceRecord, EnrichmentInput> harness) {
        List<EnrichmentInput.Kind> kinds = new ArrayList<>();
        for (Object element : harness.getOutput()) {
            if (element instanceof StreamRecord<?> record) {
                kinds.add(((EnrichmentInput) record.getValue()).kind);
            }
        }
        harness.getOutput().clear();
        return kinds;
    }

    @Test
    void aSlowFirstFetchIsNotTheEndOfTheReferenceData() throws Exception {
        try (OneInputStreamOperatorTestHarness<ReferenceRecord, EnrichmentInput> harness = open(3, null)) {
            harness.setProcessingTime(10 * IDLENESS.toMillis());
            assertThat(drain(harness))
                    .as("silent, but nothing read of three records")
                    .isEmpty();

            long now = 10 * IDLENESS.toMillis();
            for (long offset = 0; offset < 3; offset++) {
                harness.processElement(version(offset), Long.MIN_VALUE);
            }
            harness.setProcessingTime(now + IDLENESS.toMillis() - 1);
            assertThat(drain(harness))
                    .containsOnly(EnrichmentInput.Kind.REFERENCE_VERSION)
                    .hasSize(3);
            harness.setProcessingTime(now + IDLENESS.toMillis() + IDLENESS.toMillis() / 4);
            assertThat(drain(harness)).containsExactly(EnrichmentInput.Kind.REFERENCE_IDLE);
            harness.setProcessingTime(now + 10 * IDLENESS.toMillis());
            assertThat(drain(harness)).as("quiet is said once").isEmpty();
        }
    }

    @Test
    void emptyTopicsAreQuietAfterTheIdlenessAndARecordIsActiveFirst() throws Exception {
        try (OneInputStreamOperatorTestHarness<ReferenceRecord, EnrichmentInput> harness = open(0, null)) {
            harness.setProcessingTime(IDLENESS.toMillis() - 1);
            assertThat(drain(harness)).isEmpty();
            harness.setProcessingTime(IDLENESS.toMillis() + IDLENESS.toMillis() / 4);
            assertThat(drain(harness)).containsExactly(EnrichmentInput.Kind.REFERENCE_IDLE);

            harness.processElement(version(0), Long.MIN_VALUE);
            assertThat(drain(harness))
                    .as("a sale behind the new version waits for it")
                    .containsExactly(EnrichmentInput.Kind.REFERENCE_ACTIVE, EnrichmentInput.Kind.REFERENCE_VERSION);
            harness.setProcessingTime(4 * IDLENESS.toMillis());
            assertThat(drain(harness)).containsExactly(EnrichmentInput.Kind.REFERENCE_IDLE);
        }
    }

    @Test
    void aRestoreThatHadReadToTheEndIsAtTheEndWithoutRereadingIt() throws Exception {
        OperatorSubtaskState checkpoint;
        try (OneInputStreamOperatorTestHarness<ReferenceRecord, EnrichmentInput> before = open(2, null)) {
            before.processElement(version(0), Long.MIN_VALUE);
            before.processElement(version(1), Long.MIN_VALUE);
            checkpoint = before.snapshot(1L, 1L);
        }
        try (OneInputStreamOperatorTestHarness<ReferenceRecord, EnrichmentInput> restored = open(2, checkpoint)) {
            restored.setProcessingTime(2 * IDLENESS.toMillis());
            assertThat(drain(restored)).containsExactly(EnrichmentInput.Kind.REFERENCE_IDLE);
        }
        try (OneInputStreamOperatorTestHarness<ReferenceRecord, EnrichmentInput> grown = open(3, checkpoint)) {
            grown.setProcessingTime(10 * IDLENESS.toMillis());
            assertThat(drain(grown))
                    .as("a record was published since the checkpoint")
                    .isEmpty();
        }
    }

    @Test
    void aPauseInTheMiddleOfTheFirstReadIsNotTheEnd() throws Exception {
        try (OneInputStreamOperatorTestHarness<ReferenceRecord, EnrichmentInput> harness = open(5, null)) {
            harness.processElement(version(0), Long.MIN_VALUE);
            harness.processElement(version(1), Long.MIN_VALUE);
            harness.setProcessingTime(5 * IDLENESS.toMillis());
            assertThat(drain(harness))
                    .as("sales read during the pause would overtake the rest of the catalog")
                    .containsOnly(EnrichmentInput.Kind.REFERENCE_VERSION);
        }
    }

    @Test
    void recordsMissingAtTheEndOfAPartitionDoNotHoldTheJoinForever() throws Exception {
        // the newest records compacted away (a tombstone past its retention) or transaction markers
        try (OneInputStreamOperatorTestHarness<ReferenceRecord, EnrichmentInput> harness = open(5, null)) {
            harness.processElement(version(0), Long.MIN_VALUE);
            harness.processElement(version(2), Long.MIN_VALUE);
            harness.setProcessingTime(ReferenceSignals.MIN_END_GAP_SILENCE.toMillis() - 1);
            assertThat(drain(harness)).containsOnly(EnrichmentInput.Kind.REFERENCE_VERSION);
            harness.setProcessingTime(ReferenceSignals.MIN_END_GAP_SILENCE.toMillis() + IDLENESS.toMillis());
            assertThat(drain(harness)).containsExactly(EnrichmentInput.Kind.REFERENCE_IDLE);
        }
    }
}
