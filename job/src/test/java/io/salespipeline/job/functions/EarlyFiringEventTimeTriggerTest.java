package io.salespipeline.job.functions;

import static io.salespipeline.job.functions.Sales.MINUTE;
import static io.salespipeline.job.functions.Sales.sale;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.flink.streaming.api.windowing.triggers.TriggerResult;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.operators.windowing.TriggerTestHarness;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The trigger contract parts the window operator tests cannot observe. */
class EarlyFiringEventTimeTriggerTest {

    private static final TimeWindow WINDOW = new TimeWindow(MINUTE, MINUTE + 60_000);

    private TriggerTestHarness<Object, TimeWindow> harness;

    @BeforeEach
    void createHarness() throws Exception {
        harness = new TriggerTestHarness<>(
                new EarlyFiringEventTimeTrigger(Duration.ofSeconds(5)), new TimeWindow.Serializer());
    }

    @Test
    void clearRemovesEveryTimerAndStateEntryOfAnOpenWindow() throws Exception {
        assertThat(harness.processElement(new StreamRecord<>(sale("s1", "apple", 1, MINUTE), MINUTE), WINDOW))
                .isEqualTo(TriggerResult.CONTINUE);
        assertThat(harness.numEventTimeTimers(WINDOW)).isEqualTo(1);
        assertThat(harness.numProcessingTimeTimers(WINDOW)).isEqualTo(1);
        assertThat(harness.numStateEntries(WINDOW)).isEqualTo(1);

        harness.clearTriggerState(WINDOW);

        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(harness.numStateEntries()).isZero();
    }

    @Test
    void firesAtOnceForAnElementAfterTheWindowEndWithoutArmingTimers() throws Exception {
        harness.advanceWatermark(WINDOW.maxTimestamp());

        assertThat(harness.processElement(new StreamRecord<>(sale("s1", "apple", 1, MINUTE), MINUTE), WINDOW))
                .isEqualTo(TriggerResult.FIRE);
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void ignoresEventTimersOtherThanTheWindowEnd() throws Exception {
        // The window operator's cleanup timer at maxTimestamp + lateness reaches the trigger as well.
        assertThat(harness.invokeOnEventTime(WINDOW.maxTimestamp() + 60_001, WINDOW))
                .isEqualTo(TriggerResult.CONTINUE);
        assertThat(harness.invokeOnEventTime(WINDOW.maxTimestamp(), WINDOW)).isEqualTo(TriggerResult.FIRE);
    }
}
