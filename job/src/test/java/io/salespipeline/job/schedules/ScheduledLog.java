package io.salespipeline.job.schedules;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A log of partitions and the schedule it is read on: each partition's records in offset order,
 * its pace (microseconds between two records) and its idle spells (wall-clock windows, from the
 * start of each reader, in which it sends nothing). Registered by id for {@link ScheduledLogSource}.
 */
final class ScheduledLog<T> {

    private static final Map<String, ScheduledLog<?>> REGISTRY = new ConcurrentHashMap<>();

    /** A wall-clock window [fromMs, untilMs) of a reader's life in which a partition sends nothing. */
    record Spell(long fromMs, long untilMs) {}

    private final long seed;
    private final List<List<T>> records;
    private final long[] paceMicros;
    private final List<List<Spell>> spells;
    private final AtomicLong emitted = new AtomicLong();
    /** Per partition, the next offset the job's current attempt will read; -1 while it restarts. */
    private final AtomicLongArray positions;
    /** A log the job's current attempt must have read to its end before this one sends anything; none when null. */
    private volatile ScheduledLog<?> readAfter;
    /** How many records the job reads before one of its readers fails, once; never when negative. */
    private final AtomicLong failAfter = new AtomicLong(-1);

    ScheduledLog(long seed, List<List<T>> records, long[] paceMicros, List<List<Spell>> spells) {
        this.seed = seed;
        this.records = records;
        this.paceMicros = paceMicros.clone();
        this.spells = spells;
        this.positions = new AtomicLongArray(records.size());
    }

    static String register(String id, ScheduledLog<?> log) {
        REGISTRY.put(id, log);
        return id;
    }

    @SuppressWarnings("unchecked") // a source reads the log of the type it was built for
    static <T> ScheduledLog<T> get(String id) {
        ScheduledLog<T> log = (ScheduledLog<T>) REGISTRY.get(id);
        if (log == null) {
            throw new IllegalStateException("no scheduled log " + id);
        }
        return log;
    }

    static void unregister(String id) {
        REGISTRY.remove(id);
    }

    long seed() {
        return seed;
    }

    int partitions() {
        return records.size();
    }

    long size(int partition) {
        return records.get(partition).size();
    }

    long total() {
        return records.stream().mapToLong(List::size).sum();
    }

    T record(int partition, long offset) {
        return records.get(partition).get((int) offset);
    }

    List<T> partition(int partition) {
        return records.get(partition);
    }

    long paceMicros(int partition) {
        return paceMicros[partition];
    }

    /** The end of the spell of {@code partition} that {@code elapsedMs} falls in, or 0 when it may send. */
    long pausedUntilMs(int partition, long elapsedMs) {
        for (Spell spell : spells.get(partition)) {
            if (elapsedMs >= spell.fromMs() && elapsedMs < spell.untilMs()) {
                return spell.untilMs();
            }
        }
        return 0;
    }

    void countEmitted() {
        emitted.incrementAndGet();
    }

    /** Records handed to the job so far, over all runs of it (a restored run resumes where the savepoint left off). */
    long emitted() {
        return emitted.get();
    }

    /** The current attempt's reader of {@code partition} reads {@code nextOffset} next. */
    void position(int partition, long nextOffset) {
        positions.set(partition, nextOffset);
    }

    /** Whether the job's current attempt has read every record. */
    boolean allRead() {
        for (int p = 0; p < partitions(); p++) {
            if (positions.get(p) < size(p)) {
                return false;
            }
        }
        return true;
    }

    /** This log's partitions send nothing until the job's current attempt has read all of {@code first}. */
    void readAfter(ScheduledLog<?> first) {
        readAfter = first;
    }

    /** Whether this log may send: the log it waits for, if any, is read to its end by the current attempt. */
    boolean mayRead() {
        ScheduledLog<?> first = readAfter;
        return first == null || first.allRead();
    }

    private void restarting() {
        for (int p = 0; p < partitions(); p++) {
            positions.set(p, -1);
        }
    }

    /** Makes a reader fail once, when the job has read {@code records} more records. */
    void failAfter(long records) {
        failAfter.set(emitted.get() + records);
    }

    /**
     * Whether a reader should fail now: once, after the records {@link #failAfter} gave. The
     * restored attempt's readers tell their positions again.
     */
    boolean failNow() {
        long at = failAfter.get();
        if (at < 0 || emitted.get() < at || !failAfter.compareAndSet(at, -1)) {
            return false;
        }
        restarting();
        // the whole job restarts: the log read first is read again from the checkpoint, and tells its positions again
        ScheduledLog<?> first = readAfter;
        if (first != null) {
            first.restarting();
        }
        return true;
    }

    String describeSchedule() {
        StringBuilder text = new StringBuilder();
        for (int p = 0; p < partitions(); p++) {
            text.append(" p")
                    .append(p)
                    .append(": ")
                    .append(size(p))
                    .append(" records every ")
                    .append(paceMicros[p])
                    .append(" µs, idle ")
                    .append(spells.get(p));
        }
        return text.toString();
    }
}
