package io.salespipeline.job.schedules;

import io.salespipeline.job.sinks.CassandraViewSinks;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.java.tuple.Tuple;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * What one run of the job wrote, kept in this JVM across restores: the view rows as Cassandra keeps
 * them (per primary key the row with the greatest write timestamp, of equal ones the greater value)
 * with every time a row that read {@code final = true} was replaced by one that did not, and the
 * envelopes of the dead-letter and late topics as their transactions commit them.
 */
final class CollectedOutputs {

    private static final Map<String, CollectedOutputs> REGISTRY = new ConcurrentHashMap<>();
    private static final AtomicLong COMMITTABLES = new AtomicLong();

    private final Map<String, Map<List<Object>, Tuple>> tables = new HashMap<>();
    private final Map<String, List<Object>> envelopes = new HashMap<>();
    private final List<String> finalRowsLost = new ArrayList<>();
    /** Envelopes written before a checkpoint whose commit has not come yet, by committable id. */
    private final Map<Long, Staged> staged = new HashMap<>();

    private long writes;

    static CollectedOutputs create(String runId) {
        CollectedOutputs outputs = new CollectedOutputs();
        REGISTRY.put(runId, outputs);
        return outputs;
    }

    static CollectedOutputs get(String runId) {
        return REGISTRY.get(runId);
    }

    static void remove(String runId) {
        REGISTRY.remove(runId);
    }

    /** The row sinks of {@link CassandraViewSinks} for one run: each upserts into this run's tables. */
    static CassandraViewSinks.RowSinks rowSinks(String runId, int finalField) {
        return new CassandraViewSinks.RowSinks() {
            private static final long serialVersionUID = 1L;

            @Override
            public <ROW extends Tuple> Sink<ROW> sink(String view, String query, int[] partitionKey, int[] primaryKey) {
                int[] key = primaryKey.clone();
                return new CollectingSink<>(
                        runId, (CollectedOutputs outputs, ROW row) -> outputs.upsert(view, key, row, finalField));
            }
        };
    }

    /**
     * A sink that keeps its records, in order, under {@code name} once a checkpoint commits them, as
     * the job's Kafka sinks do with transactions: what an attempt wrote after its last checkpoint
     * before a failure never counts, and the restored attempt writes it again.
     */
    static <T> Sink<T> envelopes(String runId, String name) {
        return new CommittingSink<>(runId, name);
    }

    private interface Store<T> extends java.io.Serializable {
        void accept(CollectedOutputs outputs, T record);
    }

    private static final class CollectingSink<T> implements Sink<T> {
        private static final long serialVersionUID = 1L;
        private final String runId;
        private final Store<T> store;

        CollectingSink(String runId, Store<T> store) {
            this.runId = runId;
            this.store = store;
        }

        @Override
        @SuppressWarnings("deprecation") // the InitContext overload is the one Sink still declares abstract in 1.20
        public SinkWriter<T> createWriter(InitContext context) {
            CollectedOutputs outputs = get(runId);
            return new SinkWriter<>() {
                @Override
                public void write(T record, Context c) {
                    store.accept(outputs, record);
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }

    /**
     * The sink of {@link #envelopes}: each checkpoint's records wait in {@link #staged} (this JVM)
     * under a committable id, and the committer moves them to the envelopes, once, however often
     * it is asked to commit that id (again after a restore, for a checkpoint whose commit was
     * already done).
     */
    private static final class CommittingSink<T> implements Sink<T>, SupportsCommitter<Long> {
        private static final long serialVersionUID = 1L;
        private final String runId;
        private final String name;

        CommittingSink(String runId, String name) {
            this.runId = runId;
            this.name = name;
        }

        @Override
        @SuppressWarnings("deprecation") // the InitContext overload is the one Sink still declares abstract in 1.20
        public SinkWriter<T> createWriter(InitContext context) {
            CollectedOutputs outputs = get(runId);
            return new CommittingSinkWriter<T, Long>() {
                private List<Object> checkpoint = new ArrayList<>();

                @Override
                public void write(T record, Context c) {
                    checkpoint.add(record);
                    outputs.noteActivity();
                }

                @Override
                public Collection<Long> prepareCommit() {
                    if (checkpoint.isEmpty()) {
                        return List.of();
                    }
                    long id = outputs.stage(name, checkpoint);
                    checkpoint = new ArrayList<>();
                    return List.of(id);
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }

        @Override
        public Committer<Long> createCommitter(CommitterInitContext context) {
            CollectedOutputs outputs = get(runId);
            return new Committer<>() {
                @Override
                public void commit(Collection<CommitRequest<Long>> requests) {
                    requests.forEach(request -> outputs.commit(request.getCommittable()));
                }

                @Override
                public void close() {}
            };
        }

        @Override
        public SimpleVersionedSerializer<Long> getCommittableSerializer() {
            return new SimpleVersionedSerializer<>() {
                @Override
                public int getVersion() {
                    return 1;
                }

                @Override
                public byte[] serialize(Long id) {
                    return ByteBuffer.allocate(Long.BYTES).putLong(id).array();
                }

                @Override
                public Long deserialize(int version, byte[] serialized) {
                    return ByteBuffer.wrap(serialized).getLong();
                }
            };
        }
    }

    private record Staged(String name, List<Object> records) {}

    private synchronized long stage(String name, List<Object> records) {
        long id = COMMITTABLES.incrementAndGet();
        staged.put(id, new Staged(name, records));
        return id;
    }

    private synchronized void commit(long id) {
        Staged committed = staged.remove(id);
        if (committed != null) {
            writes++;
            envelopes.computeIfAbsent(committed.name(), n -> new ArrayList<>()).addAll(committed.records());
        }
    }

    private synchronized void noteActivity() {
        writes++;
    }

    private synchronized void upsert(String view, int[] primaryKey, Tuple row, int finalField) {
        writes++;
        Object[] key = new Object[primaryKey.length];
        for (int i = 0; i < primaryKey.length; i++) {
            key[i] = row.getField(primaryKey[i]);
        }
        Map<List<Object>, Tuple> table = tables.computeIfAbsent(view, v -> new HashMap<>());
        List<Object> k = Arrays.asList(key);
        Tuple held = table.get(k);
        Tuple copy = row.copy();
        if (held == null || wins(copy, held)) {
            table.put(k, copy);
            if (held != null && isFinal(held, finalField) && !isFinal(copy, finalField)) {
                finalRowsLost.add(view + " " + k + ": final " + held + " replaced by " + copy);
            }
        }
    }

    private static boolean isFinal(Tuple row, int finalField) {
        return row.getArity() > finalField && row.getField(finalField) instanceof Boolean flag && flag;
    }

    /**
     * Cassandra's rule: the greater write timestamp, then the greater value (here: the first field that differs, as
     * text).
     */
    private static boolean wins(Tuple candidate, Tuple held) {
        long candidateMicros = candidate.<Long>getField(candidate.getArity() - 1);
        long heldMicros = held.<Long>getField(held.getArity() - 1);
        if (candidateMicros != heldMicros) {
            return candidateMicros > heldMicros;
        }
        for (int i = 0; i < candidate.getArity() - 1; i++) {
            String a = String.valueOf((Object) candidate.getField(i));
            String b = String.valueOf((Object) held.getField(i));
            if (!Objects.equals(a, b)) {
                return a.compareTo(b) > 0;
            }
        }
        return false;
    }

    synchronized Map<List<Object>, Tuple> table(String view) {
        return new HashMap<>(tables.getOrDefault(view, Map.of()));
    }

    @SuppressWarnings("unchecked")
    synchronized <T> List<T> envelopes(String name) {
        return new ArrayList<>((List<T>) (List<?>) envelopes.getOrDefault(name, List.of()));
    }

    synchronized List<String> finalRowsLost() {
        return new ArrayList<>(finalRowsLost);
    }

    synchronized long writes() {
        return writes;
    }
}
