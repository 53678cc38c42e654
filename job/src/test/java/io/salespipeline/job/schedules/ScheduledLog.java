package io.salespipeline.job.schedules;

import io.salespipeline.job.records.SourceRecord;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A log of partitions and the schedule it is read on: each partition's records in offset order,
 * its pace (microseconds between two records) and its idle spells (wall-clock windows, from the
 * start of each reader, in which it sends nothing). Registered by id for {@link ScheduledLogSource}.
 */
final class ScheduledLog {

    private static final Map<String, ScheduledLog> REGISTRY = new ConcurrentHashMap<>();

    /** A wall-clock window [fromMs, untilMs) of a reader's life in which a partition sends nothing. */
    record Spell(long fromMs, long untilMs) {}

    private final long seed;
    private final List<List<SourceRecord>> records;
    private final long[] paceMicros;
    private final List<List<Spell>> spells;
    private final AtomicLong emitted = new AtomicLong();

    ScheduledLog(long seed, List<List<SourceRecord>> records, long[] paceMicros, List<List<Spell>> spells) {
        this.seed = seed;
        this.records = records;
        this.paceMicros = paceMicros.clone();
        this.spells = spells;
    }

    static String register(String id, ScheduledLog log) {
        REGISTRY.put(id, log);
        return id;
    }

    static ScheduledLog get(String id) {
        ScheduledLog log = REGISTRY.get(id);
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

    SourceRecord record(int partition, long offset) {
        return records.get(partition).get((int) offset);
    }

    List<SourceRecord> partition(int partition) {
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

    String describeSchedule() {
        StringBuilder text = new StringBuilder();
        for (int p = 0; p < partitions(); p++) {
            text.append(" p").append(p).append(": ").append(size(p)).append(" records every ").append(paceMicros[p]).append(" µs, idle ").append(spells.get(p));
        }
        return text.toString();
    }
}
