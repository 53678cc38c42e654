package io.salespipeline.job.sinks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.java.tuple.Tuple;

/**
 * The rows a view's sink holds between flushes, grouped by Cassandra partition so each group can go
 * out as one single-partition unlogged batch: one mutation for Cassandra instead of one request per row.
 *
 * <p>Every row carries its write timestamp in its last field, and Cassandra keeps the newest
 * timestamp of a primary key whatever order the writes arrive in. So of two buffered rows with the
 * same primary key only the newer needs sending; the older one would lose anyway. (The record
 * views' latest-sale-per-item and every early result of a window collapse this way.) Rows with
 * equal timestamps are both sent, because Cassandra then compares their values and the outcome
 * must not depend on where a flush happened to fall.
 */
final class PartitionBatches<ROW extends Tuple> {

    private final int[] partitionKey;
    private final int[] primaryKey;
    private final int maxBatchRows;
    private final Map<List<Object>, Map<List<Object>, ROW>> pending = new LinkedHashMap<>();
    private int pendingRows;

    /**
     * @param partitionKey the row fields that make up the Cassandra partition key
     * @param primaryKey the row fields that make up the whole primary key (partition key first)
     * @param maxBatchRows a partition's rows leave as a batch once there are this many
     */
    PartitionBatches(int[] partitionKey, int[] primaryKey, int maxBatchRows) {
        if (maxBatchRows < 1) {
            throw new IllegalArgumentException("a batch needs at least one row: " + maxBatchRows);
        }
        this.partitionKey = partitionKey.clone();
        this.primaryKey = primaryKey.clone();
        this.maxBatchRows = maxBatchRows;
    }

    /** Buffers a row; hands {@code send} any batch that is full or must leave before this row can be held. */
    void add(ROW row, Consumer<List<ROW>> send) {
        List<Object> partition = fields(row, partitionKey);
        Map<List<Object>, ROW> rows = pending.computeIfAbsent(partition, p -> new LinkedHashMap<>());
        List<Object> key = fields(row, primaryKey);
        ROW held = rows.get(key);
        if (held != null) {
            long heldMicros = writeTimestamp(held);
            long rowMicros = writeTimestamp(row);
            if (rowMicros < heldMicros) {
                return;
            }
            if (rowMicros == heldMicros) {
                send.accept(new ArrayList<>(rows.values()));
                pendingRows -= rows.size();
                rows.clear();
            }
        }
        if (rows.put(key, row) == null) {
            pendingRows++;
        }
        if (rows.size() >= maxBatchRows) {
            send.accept(new ArrayList<>(rows.values()));
            pendingRows -= rows.size();
            pending.remove(partition);
        }
    }

    /** Hands every buffered partition to {@code send}, in batches of at most the maximum size. */
    void drain(Consumer<List<ROW>> send) {
        for (Iterator<Map<List<Object>, ROW>> it = pending.values().iterator(); it.hasNext(); ) {
            List<ROW> rows = new ArrayList<>(it.next().values());
            for (int from = 0; from < rows.size(); from += maxBatchRows) {
                send.accept(rows.subList(from, Math.min(rows.size(), from + maxBatchRows)));
            }
            it.remove();
        }
        pendingRows = 0;
    }

    int pendingRows() {
        return pendingRows;
    }

    static long writeTimestamp(Tuple row) {
        return row.<Long>getField(row.getArity() - 1);
    }

    private static List<Object> fields(Tuple row, int[] positions) {
        Object[] values = new Object[positions.length];
        for (int i = 0; i < positions.length; i++) {
            values[i] = row.getField(positions[i]);
        }
        return Arrays.asList(values);
    }
}
