package io.salespipeline.job.functions;

import static io.salespipeline.job.functions.Sales.MINUTE;
import static io.salespipeline.job.functions.Sales.sale;
import static org.assertj.core.api.Assertions.assertThat;

import io.salespipeline.job.records.LateEvent;
import io.salespipeline.job.records.SaleEvent;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LatenessGateTest {

    private static final Duration ALLOWED_LATENESS = Duration.ofSeconds(60);

    private final InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
    private MockEnvironment environment;
    private OneInputStreamOperatorTestHarness<SaleEvent, SaleEvent> harness;

    @BeforeEach
    void openGate() throws Exception {
        // The harness's default metric group discards metrics; intercept the operator's group to read the counter.
        environment = new MockEnvironmentBuilder()
                .setMetricGroup(new UnregisteredMetricGroups.UnregisteredTaskMetricGroup() {
                    @Override
                    public InternalOperatorMetricGroup getOrAddOperator(OperatorID operatorId, String name) {
                        return metrics;
                    }
                })
                .build();
        harness = new OneInputStreamOperatorTestHarness<>(
                new LatenessGate(ALLOWED_LATENESS), environment);
        harness.open();
    }

    @AfterEach
    void closeGate() throws Exception {
        harness.close();
        environment.close();
    }

    @Test
    void forwardsEventsUpToExactlyTheAllowedLateness() throws Exception {
        long watermark = MINUTE + 90_000;
        harness.processWatermark(watermark);
        SaleEvent onTime = sale("s1", "apple", 1, MINUTE + 95_000);
        SaleEvent lateWithinLateness = sale("s1", "apple", 2, MINUTE + 45_000);
        SaleEvent atTheLimit = sale("s1", "apple", 3, watermark - 60_000);

        harness.processElement(onTime, onTime.timestampMs);
        harness.processElement(lateWithinLateness, lateWithinLateness.timestampMs);
        harness.processElement(atTheLimit, atTheLimit.timestampMs);

        assertThat(harness.extractOutputValues()).containsExactly(onTime, lateWithinLateness, atTheLimit);
        assertThat(harness.getSideOutput(LatenessGate.LATE_EVENTS)).isNull();
        assertThat(lateEvents().getCount()).isZero();
    }

    @Test
    void routesEventsBeyondTheAllowedLatenessToTheSideOutputWithTheMissedWatermark() throws Exception {
        long watermark = MINUTE + 90_000;
        harness.processWatermark(watermark);
        SaleEvent oneMillisecondTooLate = sale("s1", "apple", 3, watermark - 60_001);
        SaleEvent muchTooLate = sale("s2", "pear", 4, MINUTE - 3_600_000);
        SaleEvent onTime = sale("s1", "apple", 5, watermark);

        harness.processElement(oneMillisecondTooLate, oneMillisecondTooLate.timestampMs);
        harness.processElement(muchTooLate, muchTooLate.timestampMs);
        harness.processElement(onTime, onTime.timestampMs);

        assertThat(harness.extractOutputValues()).containsExactly(onTime);
        assertThat(sideOutput()).containsExactly(
                new LateEvent(oneMillisecondTooLate, watermark, 60_000),
                new LateEvent(muchTooLate, watermark, 60_000));
        assertThat(lateEvents().getCount()).isEqualTo(2);
    }

    @Test
    void judgesAgainstTheCurrentWatermarkNotTheOneAtStart() throws Exception {
        SaleEvent event = sale("s1", "apple", 1, MINUTE);

        harness.processElement(event, event.timestampMs);
        harness.processWatermark(MINUTE + 60_001);
        harness.processElement(event, event.timestampMs);

        assertThat(harness.extractOutputValues()).containsExactly(event);
        assertThat(sideOutput()).containsExactly(new LateEvent(event, MINUTE + 60_001, 60_000));
        assertThat(lateEvents().getCount()).isEqualTo(1);
    }

    @Test
    void afterARestoreJudgesAgainstTheCheckpointedWatermarkNotAFreshOne() throws Exception {
        long watermark = MINUTE + 30 * 60_000;
        harness.processWatermark(watermark);
        OperatorSubtaskState checkpoint = harness.snapshot(1L, 1L);

        try (OneInputStreamOperatorTestHarness<SaleEvent, SaleEvent> restored =
                new OneInputStreamOperatorTestHarness<>(new LatenessGate(ALLOWED_LATENESS), environment)) {
            restored.initializeState(checkpoint);
            restored.open();
            SaleEvent old = sale("s1", "apple", 1, MINUTE);
            SaleEvent recent = sale("s1", "apple", 2, watermark - 1_000);

            // no watermark has reached the restored gate yet: without the floor, both would pass
            restored.processElement(old, old.timestampMs);
            restored.processElement(recent, recent.timestampMs);

            assertThat(restored.extractOutputValues()).containsExactly(recent);
            assertThat(restored.getSideOutput(LatenessGate.LATE_EVENTS)).extracting(StreamRecord::getValue)
                    .containsExactly(new LateEvent(old, watermark, 60_000));
        }
    }

    @Test
    void aSubtaskIdleAtTheCheckpointDoesNotLowerTheFloor() throws Exception {
        OperatorSubtaskState active;
        OperatorSubtaskState idle;
        try (OneInputStreamOperatorTestHarness<SaleEvent, SaleEvent> first = gate(2, 0)) {
            first.open();
            first.processWatermark(MINUTE + 30 * 60_000);
            active = first.snapshot(1L, 1L);
        }
        try (OneInputStreamOperatorTestHarness<SaleEvent, SaleEvent> second = gate(2, 1)) {
            second.open();
            second.processWatermark(MINUTE);
            second.processWatermarkStatus(WatermarkStatus.IDLE);
            idle = second.snapshot(1L, 1L);
        }
        OperatorSubtaskState union = AbstractStreamOperatorTestHarness.repackageState(active, idle);
        try (OneInputStreamOperatorTestHarness<SaleEvent, SaleEvent> restored = gate(1, 0)) {
            restored.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(union, 128, 2, 1, 0));
            restored.open();
            SaleEvent tenMinutesBehind = sale("s1", "apple", 1, MINUTE + 20 * 60_000);
            restored.processElement(tenMinutesBehind, tenMinutesBehind.timestampMs);
            assertThat(restored.extractOutputValues()).isEmpty();
            assertThat(restored.getSideOutput(LatenessGate.LATE_EVENTS)).hasSize(1);
        }
    }

    private static OneInputStreamOperatorTestHarness<SaleEvent, SaleEvent> gate(int parallelism, int subtask) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new LatenessGate(ALLOWED_LATENESS), 128, parallelism, subtask);
    }

    private List<LateEvent> sideOutput() {
        return harness.getSideOutput(LatenessGate.LATE_EVENTS).stream()
                .map(StreamRecord::getValue)
                .collect(Collectors.toList());
    }

    private Counter lateEvents() {
        return (Counter) metrics.get(LatenessGate.LATE_EVENTS_METRIC);
    }
}
