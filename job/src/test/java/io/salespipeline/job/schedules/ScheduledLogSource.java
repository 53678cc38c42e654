package io.salespipeline.job.schedules;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A partitioned log read the way the Kafka source reads one: one split per partition, each with its
 * own watermark output (so per-partition watermarks and idleness work as in production), the next
 * offset checkpointed per split and redistributed on rescaling, and every partition's records
 * released at its own pace, with spells in which it sends nothing. The records live in the
 * {@link ScheduledLog} registry of this JVM (the MiniCluster runs the job in it).
 */
final class ScheduledLogSource<T> implements Source<T, ScheduledLogSource.PartitionSplit, Set<Integer>> {

    private static final long serialVersionUID = 1L;

    /** How often a reader whose log waits for another looks again. */
    private static final long WAIT_FOR_FIRST_LOG_MILLIS = 10;

    private static final ScheduledExecutorService WAKE_UPS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "scheduled-log-wake-ups");
        thread.setDaemon(true);
        return thread;
    });

    private final String logId;

    ScheduledLogSource(String logId) {
        this.logId = logId;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<T, PartitionSplit> createReader(SourceReaderContext context) {
        return new Reader<>(ScheduledLog.get(logId), context.getIndexOfSubtask());
    }

    @Override
    public SplitEnumerator<PartitionSplit, Set<Integer>> createEnumerator(
            SplitEnumeratorContext<PartitionSplit> context) {
        Set<Integer> all = new HashSet<>();
        for (int p = 0; p < ScheduledLog.get(logId).partitions(); p++) {
            all.add(p);
        }
        return new Enumerator(context, all);
    }

    @Override
    public SplitEnumerator<PartitionSplit, Set<Integer>> restoreEnumerator(
            SplitEnumeratorContext<PartitionSplit> context, Set<Integer> unassigned) {
        return new Enumerator(context, unassigned);
    }

    @Override
    public SimpleVersionedSerializer<PartitionSplit> getSplitSerializer() {
        return new SplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<Set<Integer>> getEnumeratorCheckpointSerializer() {
        return new UnassignedSerializer();
    }

    /** One partition and the offset of the next record to read from it. */
    record PartitionSplit(int partition, long nextOffset) implements SourceSplit {
        static String idOf(int partition) {
            return "partition-" + partition;
        }

        @Override
        public String splitId() {
            return idOf(partition);
        }
    }

    /** Assigns partition p to subtask p mod parallelism, as soon as that reader registers. */
    private static final class Enumerator implements SplitEnumerator<PartitionSplit, Set<Integer>> {
        private final SplitEnumeratorContext<PartitionSplit> context;
        private final Set<Integer> unassigned;

        Enumerator(SplitEnumeratorContext<PartitionSplit> context, Set<Integer> unassigned) {
            this.context = context;
            this.unassigned = new HashSet<>(unassigned);
        }

        @Override
        public void start() {}

        @Override
        public void handleSplitRequest(int subtaskId, String requesterHostname) {}

        @Override
        public void addSplitsBack(List<PartitionSplit> splits, int subtaskId) {
            // splits assigned after the last checkpoint: no reader state holds them, so they start again from offset 0
            splits.forEach(s -> unassigned.add(s.partition()));
            assignTo(subtaskId);
        }

        @Override
        public void addReader(int subtaskId) {
            assignTo(subtaskId);
        }

        private void assignTo(int subtaskId) {
            if (!context.registeredReaders().containsKey(subtaskId)) {
                return;
            }
            int parallelism = context.currentParallelism();
            List<PartitionSplit> mine = new ArrayList<>();
            for (int p : new ArrayList<>(unassigned)) {
                if (p % parallelism == subtaskId) {
                    mine.add(new PartitionSplit(p, 0));
                    unassigned.remove(p);
                }
            }
            if (!mine.isEmpty()) {
                context.assignSplits(new SplitsAssignment<>(Map.of(subtaskId, mine)));
            }
        }

        @Override
        public Set<Integer> snapshotState(long checkpointId) {
            return new HashSet<>(unassigned);
        }

        @Override
        public void close() {}
    }

    /** Releases each split's records when the partition's pace and idle spells allow. */
    private static final class Reader<T> implements SourceReader<T, PartitionSplit> {
        private final ScheduledLog<T> log;
        private final Random random;
        private final Map<Integer, Long> next = new LinkedHashMap<>();
        private final Map<Integer, Long> dueNanos = new LinkedHashMap<>();
        private long startNanos;
        private CompletableFuture<Void> available = CompletableFuture.completedFuture(null);

        Reader(ScheduledLog<T> log, int subtask) {
            this.log = log;
            this.random = new Random(log.seed() * 31 + subtask);
        }

        @Override
        public void start() {
            startNanos = System.nanoTime();
        }

        @Override
        public InputStatus pollNext(ReaderOutput<T> output) {
            long now = System.nanoTime();
            if (!log.mayRead()) {
                available = new CompletableFuture<>();
                CompletableFuture<Void> wake = available;
                WAKE_UPS.schedule(() -> wake.complete(null), WAIT_FOR_FIRST_LOG_MILLIS, TimeUnit.MILLISECONDS);
                return InputStatus.NOTHING_AVAILABLE;
            }
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(now - startNanos);
            List<Integer> ready = new ArrayList<>();
            long earliest = Long.MAX_VALUE;
            for (Map.Entry<Integer, Long> split : next.entrySet()) {
                int p = split.getKey();
                if (split.getValue() >= log.size(p)) {
                    continue;
                }
                long due = Math.max(
                        dueNanos.getOrDefault(p, now),
                        startNanos + TimeUnit.MILLISECONDS.toNanos(log.pausedUntilMs(p, elapsedMs)));
                if (due <= now) {
                    ready.add(p);
                } else {
                    earliest = Math.min(earliest, due);
                }
            }
            if (ready.isEmpty()) {
                available = new CompletableFuture<>();
                if (earliest != Long.MAX_VALUE) {
                    CompletableFuture<Void> wake = available;
                    WAKE_UPS.schedule(() -> wake.complete(null), earliest - now, TimeUnit.NANOSECONDS);
                }
                return InputStatus.NOTHING_AVAILABLE;
            }
            if (log.failNow()) {
                throw new IllegalStateException(
                        "injected failure: the job restores from its last checkpoint and reads on from there");
            }
            int p = ready.get(random.nextInt(ready.size()));
            long offset = next.get(p);
            SourceOutput<T> partition = output.createOutputForSplit(PartitionSplit.idOf(p));
            partition.collect(log.record(p, offset));
            next.put(p, offset + 1);
            log.position(p, offset + 1);
            log.countEmitted();
            dueNanos.put(p, now + TimeUnit.MICROSECONDS.toNanos(log.paceMicros(p)));
            return InputStatus.MORE_AVAILABLE;
        }

        @Override
        public List<PartitionSplit> snapshotState(long checkpointId) {
            List<PartitionSplit> splits = new ArrayList<>();
            next.forEach((p, offset) -> splits.add(new PartitionSplit(p, offset)));
            return splits;
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return available;
        }

        @Override
        public void addSplits(List<PartitionSplit> splits) {
            splits.forEach(s -> {
                next.put(s.partition(), s.nextOffset());
                log.position(s.partition(), s.nextOffset());
            });
            available.complete(null);
        }

        @Override
        public void notifyNoMoreSplits() {}

        @Override
        public void close() {}
    }

    private static final class SplitSerializer implements SimpleVersionedSerializer<PartitionSplit> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(PartitionSplit split) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(split.partition());
                out.writeLong(split.nextOffset());
            }
            return bytes.toByteArray();
        }

        @Override
        public PartitionSplit deserialize(int version, byte[] serialized) throws IOException {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                return new PartitionSplit(in.readInt(), in.readLong());
            }
        }
    }

    private static final class UnassignedSerializer implements SimpleVersionedSerializer<Set<Integer>> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Set<Integer> partitions) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(partitions.size());
                for (int p : partitions) {
                    out.writeInt(p);
                }
            }
            return bytes.toByteArray();
        }

        @Override
        public Set<Integer> deserialize(int version, byte[] serialized) throws IOException {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                Set<Integer> partitions = new HashSet<>();
                for (int i = in.readInt(); i > 0; i--) {
                    partitions.add(in.readInt());
                }
                return partitions;
            }
        }
    }
}
