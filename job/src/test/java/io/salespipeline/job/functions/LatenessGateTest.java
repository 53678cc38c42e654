package io.salespipeline.job.functions;

import static io.salespipeline.job.functions.Sales.MINUTE;
import static io.salespipeline.job.functions.Sales.sale;
import static org.assertj.core.api.Assertions.assertThat;

import io.salespipeline.contract.Metrics;
import io.salespipeline.job.records.LateEvent;
import io.salespipeline.job.records.LateReason;
import io.salespipeline.job.records.SaleEvent;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LatenessGateTest {

    private static final Duration ALLOWED_LATENESS = Duration.ofSeconds(60);
    private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(5);

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
                new LatenessGate(ALLOWED_LATENESS, OUT_OF_ORDERNESS), environment);
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
        // the first is the first event of its partition, behind the watermark only; the second is
        // also far behind the first, which its partition's own watermark already says
        assertThat(sideOutput())
                .containsExactly(
                        new LateEvent(
                                oneMillisecondTooLate, LateReason.BEHIND_THE_WATERMARK_AFTER_IDLE, watermark, 60_000),
                        new LateEvent(
                                muchTooLate,
                                LateReason.BEHIND_ITS_PARTITION,
                                oneMillisecondTooLate.timestampMs - 5_000 - 1,
                                60_000));
        assertThat(lateEvents().getCount()).isEqualTo(2);
    }

    @Test
    void judgesAgainstTheCurrentWatermarkNotTheOneAtStart() throws Exception {
        SaleEvent event = sale("s1", "apple", 1, MINUTE);

        harness.processElement(event, event.timestampMs);
        harness.processWatermark(MINUTE + 60_001);
        harness.processElement(event, event.timestampMs);

        assertThat(harness.extractOutputValues()).containsExactly(event);
        assertThat(sideOutput())
                .containsExactly(
                        new LateEvent(event, LateReason.BEHIND_THE_WATERMARK_AFTER_IDLE, MINUTE + 60_001, 60_000));
        assertThat(lateEvents().getCount()).isEqualTo(1);
    }

    @Test
    void afterARestoreJudgesAgainstTheCheckpointedWatermarkNotAFreshOne() throws Exception {
        long watermark = MINUTE + 30 * 60_000;
        harness.processWatermark(watermark);
        OperatorSubtaskState checkpoint = harness.snapshot(1L, 1L);

        try (OneInputStreamOperatorTestHarness<SaleEvent, SaleEvent> restored = new OneInputStreamOperatorTestHarness<>(
                new LatenessGate(ALLOWED_LATENESS, OUT_OF_ORDERNESS), environment)) {
            restored.initializeState(checkpoint);
            restored.open();
            SaleEvent old = sale("s1", "apple", 1, MINUTE);
            SaleEvent recent = sale("s1", "apple", 2, watermark - 1_000);

            // no watermark has reached the restored gate yet: without the floor, both would pass
            restored.processElement(old, old.timestampMs);
            restored.processElement(recent, recent.timestampMs);

            assertThat(restored.extractOutputValues()).containsExactly(recent);
            assertThat(restored.getSideOutput(LatenessGate.LATE_EVENTS))
                    .extracting(StreamRecord::getValue)
                    .containsExactly(new LateEvent(old, LateReason.BEHIND_THE_WATERMARK_AFTER_IDLE, watermark, 60_000));
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

    private static long offset;

    /** A sale read from {@code partition}, at the next offset. */
    private static SaleEvent inPartition(int partition, long timestampMs) {
        return new SaleEvent("id-apple", "apple", "s1", 1, timestampMs, "item_sales", partition, ++offset);
    }

    @Test
    void anEventBehindItsOwnPartitionIsLateBeforeAnyWatermarkArrives() throws Exception {
        long t = MINUTE + 600_000;
        // the partition's watermark is its highest event time minus the out-of-orderness minus 1 ms
        long partitionWatermark = t - 5_000 - 1;
        SaleEvent first = inPartition(0, t);
        SaleEvent twoMinutesBehind = inPartition(0, t - 120_000);
        SaleEvent atTheLimit = inPartition(0, partitionWatermark - 60_000);
        SaleEvent oneMillisecondBeyond = inPartition(0, partitionWatermark - 60_001);
        for (SaleEvent event : List.of(first, twoMinutesBehind, atTheLimit, oneMillisecondBeyond)) {
            harness.processElement(event, event.timestampMs);
        }

        // no watermark has reached the gate (the source emits one every 200 ms): the log decides alone
        assertThat(harness.extractOutputValues()).containsExactly(first, atTheLimit);
        assertThat(sideOutput())
                .containsExactly(
                        new LateEvent(twoMinutesBehind, LateReason.BEHIND_ITS_PARTITION, partitionWatermark, 60_000),
                        new LateEvent(
                                oneMillisecondBeyond, LateReason.BEHIND_ITS_PARTITION, partitionWatermark, 60_000));
        assertThat(lateEvents().getCount()).isEqualTo(2);
    }

    @Test
    void eachPartitionIsJudgedByItsOwnHistoryNotByTheOthersSharingTheSubtask() throws Exception {
        long t = MINUTE + 3_600_000;
        SaleEvent ahead = inPartition(0, t);
        SaleEvent behindButSteady = inPartition(1, t - 600_000);
        SaleEvent withinItsPartition = inPartition(1, t - 600_000 - 30_000);
        SaleEvent sameTimeInTheFastPartition = inPartition(0, t - 600_000 - 30_000);
        for (SaleEvent event : List.of(ahead, behindButSteady, withinItsPartition, sameTimeInTheFastPartition)) {
            harness.processElement(event, event.timestampMs);
        }

        assertThat(harness.extractOutputValues()).containsExactly(ahead, behindButSteady, withinItsPartition);
        assertThat(sideOutput())
                .extracting(late -> late.event, late -> late.reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(sameTimeInTheFastPartition, "BEHIND_ITS_PARTITION"));
    }

    /**
     * A restore at the end of the log (or of a busy spell): no partition reads anything new, so the
     * restored source emits no watermark, and the windows the log had closed would never become
     * final. The gate gives them the watermark the log defines for the partitions it restored.
     */
    @Test
    void aRestoredGateEmitsTheWatermarkTheLogDefinesBeforeAnyNewEvent() throws Exception {
        long t = MINUTE + 3_600_000;
        OperatorSubtaskState checkpoint;
        try (OneInputStreamOperatorTestHarness<SaleEvent, SaleEvent> gate = gate(1, 0)) {
            gate.open();
            for (SaleEvent event : List.of(inPartition(0, t), inPartition(1, t - 10_000), inPartition(0, t + 20_000))) {
                gate.processElement(event, event.timestampMs);
            }
            checkpoint = gate.snapshot(1L, 1L);
        }
        try (OneInputStreamOperatorTestHarness<SaleEvent, SaleEvent> restored = gate(1, 0)) {
            restored.initializeState(checkpoint);
            restored.open();
            assertThat(restored.getOutput())
                    .as("nothing before the task runs its mailbox")
                    .isEmpty();
            restored.setProcessingTime(restored.getProcessingTime() + 1);
            assertThat(restored.getOutput())
                    .containsExactly(new Watermark(t - 10_000 - OUT_OF_ORDERNESS.toMillis() - 1));
        }
        // rescaled to two subtasks: each restores every partition's history, so both give the windows the same
        // watermark
        for (int subtask = 0; subtask < 2; subtask++) {
            try (OneInputStreamOperatorTestHarness<SaleEvent, SaleEvent> rescaled = gate(2, subtask)) {
                rescaled.initializeState(
                        AbstractStreamOperatorTestHarness.repartitionOperatorState(checkpoint, 128, 1, 2, subtask));
                rescaled.open();
                rescaled.setProcessingTime(rescaled.getProcessingTime() + 1);
                assertThat(rescaled.getOutput())
                        .as("subtask %d of 2", subtask)
                        .containsExactly(new Watermark(t - 10_000 - OUT_OF_ORDERNESS.toMillis() - 1));
            }
        }
        try (OneInputStreamOperatorTestHarness<SaleEvent, SaleEvent> fresh = gate(1, 0)) {
            fresh.open();
            fresh.setProcessingTime(fresh.getProcessingTime() + 1);
            assertThat(fresh.getOutput())
                    .as("a gate without history has no watermark to give")
                    .isEmpty();
        }
    }

    @Test
    void aPartitionsHistoryMovesWithItWhenTheJobIsRescaled() throws Exception {
        long t = MINUTE + 3_600_000;
        OperatorSubtaskState first;
        OperatorSubtaskState second;
        try (OneInputStreamOperatorTestHarness<SaleEvent, SaleEvent> gate0 = gate(2, 0)) {
            gate0.open();
            SaleEvent event = inPartition(0, t);
            gate0.processElement(event, event.timestampMs);
            first = gate0.snapshot(1L, 1L);
        }
        try (OneInputStreamOperatorTestHarness<SaleEvent, SaleEvent> gate1 = gate(2, 1)) {
            gate1.open();
            SaleEvent event = inPartition(1, t - 7_200_000);
            gate1.processElement(event, event.timestampMs);
            second = gate1.snapshot(1L, 1L);
        }
        OperatorSubtaskState union = AbstractStreamOperatorTestHarness.repackageState(first, second);
        try (OneInputStreamOperatorTestHarness<SaleEvent, SaleEvent> restored = gate(1, 0)) {
            restored.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(union, 128, 2, 1, 0));
            restored.open();
            SaleEvent lateInPartition0 = inPartition(0, t - 120_000);
            SaleEvent lateInPartition1 = inPartition(1, t - 7_200_000 - 120_000);
            SaleEvent onTimeInPartition1 = inPartition(1, t - 7_200_000 - 30_000);
            for (SaleEvent event : List.of(lateInPartition0, lateInPartition1, onTimeInPartition1)) {
                restored.processElement(event, event.timestampMs);
            }
            assertThat(restored.extractOutputValues()).containsExactly(onTimeInPartition1);
            assertThat(restored.getSideOutput(LatenessGate.LATE_EVENTS))
                    .extracting(r -> r.getValue().event)
                    .containsExactly(lateInPartition0, lateInPartition1);
        }
    }

    /**
     * Hundreds of random schedules of the same logs: partitions interleaved at random, watermarks
     * arriving late and irregularly as a source's periodic emission would (never ahead of a busy
     * partition), checkpoints and restores at random points, onto one to four subtasks. The events
     * the gate calls late must be exactly those the logs alone call late.
     */
    @Test
    void lateIsAPropertyOfTheLogWhateverTheSchedule() throws Exception {
        long seed = Long.getLong("schedule.seed", System.nanoTime());
        for (int run = 0; run < 300; run++) {
            long runSeed = seed + run;
            try {
                assertScheduleMatchesTheLog(new java.util.Random(runSeed));
            } catch (AssertionError | Exception e) {
                throw new AssertionError(
                        "schedule seed " + runSeed + " (reproduce with -Dschedule.seed=" + runSeed + "): "
                                + e.getMessage(),
                        e);
            }
        }
    }

    private static void assertScheduleMatchesTheLog(java.util.Random random) throws Exception {
        int partitions = 1 + random.nextInt(4);
        List<List<SaleEvent>> logs = new java.util.ArrayList<>();
        java.util.Set<SaleEvent> lateByTheLog = new java.util.HashSet<>();
        for (int p = 0; p < partitions; p++) {
            List<SaleEvent> log = new java.util.ArrayList<>();
            long clock = MINUTE + random.nextInt(3_600_000);
            long highest = Long.MIN_VALUE;
            for (int i = 0, n = 5 + random.nextInt(60); i < n; i++) {
                clock += random.nextInt(20_000);
                // mostly a little out of order, sometimes minutes behind (a till uploading old sales)
                long ts = random.nextInt(10) == 0 ? clock - random.nextInt(300_000) : clock - random.nextInt(6_000);
                SaleEvent event = new SaleEvent("id-" + i, "item", "s" + p, 1, ts, "item_sales", p, i);
                if (highest != Long.MIN_VALUE && ts + 60_000 < highest - 5_000 - 1) {
                    lateByTheLog.add(event);
                }
                highest = Math.max(highest, ts);
                log.add(event);
            }
            logs.add(log);
        }
        int[] next = new int[partitions];
        long[] partitionWatermark = new long[partitions];
        java.util.Arrays.fill(partitionWatermark, Long.MIN_VALUE);
        java.util.Set<SaleEvent> judgedLate = new java.util.HashSet<>();
        OperatorSubtaskState checkpoint = null;
        int[] checkpointNext = null;
        long[] checkpointWatermarks = null;
        int parallelism = 1 + random.nextInt(Math.min(partitions, 4));
        OneInputStreamOperatorTestHarness<SaleEvent, SaleEvent>[] gates = openGates(parallelism, null, 1);
        java.util.Set<SaleEvent> lateSinceCheckpoint = new java.util.HashSet<>();
        while (true) {
            List<Integer> open = new java.util.ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                if (next[p] < logs.get(p).size()) {
                    open.add(p);
                }
            }
            if (open.isEmpty()) {
                break;
            }
            int roll = random.nextInt(100);
            if (roll < 3 && checkpoint == null) {
                checkpoint = snapshotAll(gates);
                checkpointNext = next.clone();
                checkpointWatermarks = partitionWatermark.clone();
                lateSinceCheckpoint.clear();
            } else if (roll < 5 && checkpoint != null) {
                // a failure: every subtask restores the checkpoint, the sources rewind to its offsets
                int previous = gates.length;
                closeAll(gates);
                parallelism = 1 + random.nextInt(Math.min(partitions, 4));
                gates = openGates(parallelism, checkpoint, previous);
                next = checkpointNext.clone();
                partitionWatermark = checkpointWatermarks.clone();
                judgedLate.removeAll(lateSinceCheckpoint);
                lateSinceCheckpoint.clear();
                checkpoint = null;
            } else if (roll < 15) {
                // a watermark, as the source multiplexes it: the minimum over its partitions' last emitted ones
                for (int g = 0; g < gates.length; g++) {
                    long min = Long.MAX_VALUE;
                    for (int p = g; p < partitions; p += gates.length) {
                        min = Math.min(min, partitionWatermark[p]);
                    }
                    if (min != Long.MIN_VALUE && min != Long.MAX_VALUE) {
                        gates[g].processWatermark(min);
                    }
                }
            } else {
                int p = open.get(random.nextInt(open.size()));
                SaleEvent event = logs.get(p).get(next[p]++);
                OneInputStreamOperatorTestHarness<SaleEvent, SaleEvent> gate = gates[p % gates.length];
                int before = gate.getSideOutput(LatenessGate.LATE_EVENTS) == null
                        ? 0
                        : gate.getSideOutput(LatenessGate.LATE_EVENTS).size();
                gate.processElement(event, event.timestampMs);
                int after = gate.getSideOutput(LatenessGate.LATE_EVENTS) == null
                        ? 0
                        : gate.getSideOutput(LatenessGate.LATE_EVENTS).size();
                if (after > before) {
                    judgedLate.add(event);
                    lateSinceCheckpoint.add(event);
                }
                // the periodic watermark lags: sometimes the partition's emitted watermark catches up
                if (random.nextBoolean()) {
                    long highest = Long.MIN_VALUE;
                    for (int i = 0; i < next[p]; i++) {
                        highest = Math.max(highest, logs.get(p).get(i).timestampMs);
                    }
                    partitionWatermark[p] = highest - 5_000 - 1;
                }
            }
        }
        closeAll(gates);
        assertThat(judgedLate).as("late events over %d partitions", partitions).isEqualTo(lateByTheLog);
    }

    @SuppressWarnings("unchecked")
    private static OneInputStreamOperatorTestHarness<SaleEvent, SaleEvent>[] openGates(
            int parallelism, OperatorSubtaskState checkpoint, int checkpointParallelism) throws Exception {
        OneInputStreamOperatorTestHarness<SaleEvent, SaleEvent>[] gates =
                new OneInputStreamOperatorTestHarness[parallelism];
        for (int g = 0; g < parallelism; g++) {
            gates[g] = gate(parallelism, g);
            if (checkpoint != null) {
                gates[g].initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(
                        checkpoint, 128, checkpointParallelism, parallelism, g));
            }
            gates[g].open();
        }
        return gates;
    }

    private static OperatorSubtaskState snapshotAll(OneInputStreamOperatorTestHarness<SaleEvent, SaleEvent>[] gates)
            throws Exception {
        OperatorSubtaskState[] states = new OperatorSubtaskState[gates.length];
        for (int g = 0; g < gates.length; g++) {
            states[g] = gates[g].snapshot(1L, 1L);
        }
        return AbstractStreamOperatorTestHarness.repackageState(states);
    }

    private static void closeAll(OneInputStreamOperatorTestHarness<SaleEvent, SaleEvent>[] gates) throws Exception {
        for (OneInputStreamOperatorTestHarness<SaleEvent, SaleEvent> gate : gates) {
            gate.close();
        }
    }

    private static OneInputStreamOperatorTestHarness<SaleEvent, SaleEvent> gate(int parallelism, int subtask)
            throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new LatenessGate(ALLOWED_LATENESS, OUT_OF_ORDERNESS), 128, parallelism, subtask);
    }

    private List<LateEvent> sideOutput() {
        return harness.getSideOutput(LatenessGate.LATE_EVENTS).stream()
                .map(StreamRecord::getValue)
                .collect(Collectors.toList());
    }

    private Counter lateEvents() {
        return (Counter) metrics.get(Metrics.LATE_EVENTS);
    }
}
