package io.salespipeline.job.schedules;

import io.salespipeline.job.sinks.CassandraViewSinks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.java.tuple.Tuple;

/**
 * What one run of the job wrote, kept in this JVM across restores: the view rows as Cassandra keeps
 * them (per primary key the row with the greatest write timestamp, of equal ones the greater value)
 * with every time a row that read {@code final = true} was replaced by one that did not, and the
 * envelopes of the dead-letter and late topics in arrival order.
 */
final class CollectedOutputs {

    private static final Map<String, CollectedOutputs> REGISTRY = new ConcurrentHashMap<>();

    private final Map<String, Map<List<Object>, Tuple>> tables = new HashMap<>();
    private final Map<String, List<Object>> envelopes = new HashMap<>();
    private final List<String> finalRowsLost = new ArrayList<>();
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
                return new CollectingSink<>(runId, (CollectedOutputs outputs, ROW row) -> outputs.upsert(view, key, row, finalField));
            }
        };
    }

    /** A sink that keeps every record it is given, in order, under {@code name}. */
    static <T> Sink<T> envelopes(String runId, String name) {
        return new CollectingSink<>(runId, (CollectedOutputs outputs, T record) -> outputs.append(name, record));
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

    /** Cassandra's rule: the greater write timestamp, then the greater value (here: the first field that differs, as text). */
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

    private synchronized void append(String name, Object record) {
        writes++;
        envelopes.computeIfAbsent(name, n -> new ArrayList<>()).add(record);
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
