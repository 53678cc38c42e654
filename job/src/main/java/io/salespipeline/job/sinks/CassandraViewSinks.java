package io.salespipeline.job.sinks;

import io.salespipeline.contract.ViewSchema;
import io.salespipeline.contract.ViewStatements;
import io.salespipeline.contract.ViewTable;
import io.salespipeline.job.config.JobConfig;
import io.salespipeline.job.records.SaleEvent;
import io.salespipeline.job.records.TopItemsRank;
import io.salespipeline.job.records.WindowAggregate;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.java.tuple.Tuple;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The views in Cassandra: prepared, idempotent upserts with explicit write timestamps, grouped into
 * single-partition batches, bounded in-flight requests, retries of transient errors, and a failed
 * write failing the job (at-least-once, flushed on every checkpoint; the upserts make it
 * effectively exactly-once). See {@link BatchingCassandraSink}.
 */
public final class CassandraViewSinks implements ViewSinks {

    /** How long a write may wait for a free in-flight slot before the sink fails the job. */
    private static final Duration PERMIT_TIMEOUT = Duration.ofMinutes(2);

    // Row field positions (see ViewRows) of each table's partition key and whole primary key.
    private static final int[] FIRST = {0};
    private static final int[] FIRST_TWO = {0, 1};
    private static final int[] FIRST_THREE = {0, 1, 2};
    private static final int[] FIRST_FOUR = {0, 1, 2, 3};

    /**
     * Where a view's rows are written: the batching Cassandra writer, or in a test of the job graph
     * a sink of its own that keeps the rows as Cassandra would.
     */
    public interface RowSinks extends Serializable {
        /**
         * @param query the view's prepared upsert, whose bind values are the row's fields in order
         * @param partitionKey the row fields that make up the Cassandra partition key
         * @param primaryKey the row fields that make up the whole primary key, partition key first;
         *     the row's last field is its write timestamp in microseconds
         */
        <ROW extends Tuple> Sink<ROW> sink(String view, String query, int[] partitionKey, int[] primaryKey);
    }

    private final JobConfig config;
    private final ViewSchema schema;
    private final RowSinks rowSinks;

    public CassandraViewSinks(JobConfig config) {
        this(config, new BatchingCassandraSinks(config));
    }

    public CassandraViewSinks(JobConfig config, RowSinks rowSinks) {
        this.config = config;
        this.schema = ViewSchema.of(config.enrichment);
        this.rowSinks = rowSinks;
    }

    @Override
    public void itemSales(DataStream<SaleEvent> events) {
        write(
                events,
                new ViewRows.ItemSales(config.retention(ViewTable.ITEM_SALES)),
                ViewRows.ITEM_SALES_ROW,
                ViewStatements.itemSales(config.keyspace),
                ViewTable.ITEM_SALES.table(),
                FIRST,
                FIRST,
                Chain.OWN);
    }

    @Override
    public void salesByStoreDay(DataStream<SaleEvent> events) {
        write(
                events,
                new ViewRows.SalesByStoreDay(schema, config.retention(ViewTable.SALES_BY_STORE_DAY)),
                ViewStatements.salesByStoreDay(config.keyspace, schema),
                ViewTable.SALES_BY_STORE_DAY.table(),
                FIRST_TWO,
                FIRST_FOUR,
                Chain.OWN);
    }

    @Override
    public void storeSalesPerMinute(DataStream<WindowAggregate> windows) {
        writeWindows(
                windows, ViewTable.STORE_SALES_PER_MINUTE, ViewStatements.storeSalesPerMinute(config.keyspace, schema));
    }

    @Override
    public void itemSalesPerHour(DataStream<WindowAggregate> windows) {
        writeWindows(windows, ViewTable.ITEM_SALES_PER_HOUR, ViewStatements.itemSalesPerHour(config.keyspace, schema));
    }

    @Override
    public void regionSalesPerHour(DataStream<WindowAggregate> windows) {
        writeWindows(
                windows,
                ViewTable.REGION_SALES_PER_HOUR,
                ViewStatements.regionSalesPerHour(config.keyspace),
                ViewSchema.ENRICHED);
    }

    private void writeWindows(DataStream<WindowAggregate> windows, ViewTable view, String upsert) {
        writeWindows(windows, view, upsert, schema);
    }

    private void writeWindows(DataStream<WindowAggregate> windows, ViewTable view, String upsert, ViewSchema rows) {
        write(
                windows,
                new ViewRows.Window(view.table(), rows, config.retention(view)),
                upsert,
                view.table(),
                FIRST_TWO,
                FIRST_THREE,
                Chain.INPUT);
    }

    @Override
    public void topItemsPerStoreHour(DataStream<TopItemsRank> ranks) {
        write(
                ranks,
                new ViewRows.TopItems(schema, config.retention(ViewTable.TOP_ITEMS_PER_STORE_HOUR)),
                ViewStatements.topItemsPerStoreHour(config.keyspace, schema),
                ViewTable.TOP_ITEMS_PER_STORE_HOUR.table(),
                FIRST_TWO,
                FIRST_FOUR,
                Chain.INPUT);
    }

    /** Where a view's rows are written: in a task of their own, or in the task that computes them. */
    private enum Chain {
        /**
         * Views of every event, fed by the source's chain. The sink blocks its thread while
         * Cassandra is slow or away; chained to the source, that blocking would count as idle time
         * for the Kafka partitions, whose watermark would then run ahead of them and make their
         * events late. Across a channel it is backpressure, which Flink's idleness accounting pauses for.
         */
        OWN,
        /**
         * Views of windows: blocking there is backpressure to the source either way, and a task
         * fewer per view and subtask means no serialisation between window and sink and less to
         * deploy and initialise when the job restarts.
         */
        INPUT
    }

    private <IN> void write(
            DataStream<IN> input,
            ViewRows.SchemaRow<IN> mapper,
            String query,
            String view,
            int[] partitionKey,
            int[] primaryKey,
            Chain chain) {
        write(input, mapper, mapper.rowType(), query, view, partitionKey, primaryKey, chain);
    }

    private <IN, ROW extends Tuple> void write(
            DataStream<IN> input,
            ViewRowMapper<IN, ROW> mapper,
            TypeInformation<ROW> rowType,
            String query,
            String view,
            int[] partitionKey,
            int[] primaryKey,
            Chain chain) {
        SingleOutputStreamOperator<ROW> rows =
                input.flatMap(mapper, rowType).uid(view + "-rows").name("Rows of " + view);
        if (chain == Chain.OWN) {
            rows.startNewChain();
        }
        rows.sinkTo(rowSinks.sink(view, query, partitionKey, primaryKey))
                .uid(view + "-sink")
                .name("Cassandra " + config.keyspace + "." + view);
    }

    private static final class BatchingCassandraSinks implements RowSinks {
        private static final long serialVersionUID = 1L;

        private final SalesClusterBuilder cluster;
        private final BatchingCassandraSink.Settings settings;

        BatchingCassandraSinks(JobConfig config) {
            this.cluster =
                    new SalesClusterBuilder(config.cassandraHost, config.cassandraPort, config.cassandraUsername);
            this.settings = new BatchingCassandraSink.Settings(
                    config.cassandraMaxConcurrentRequests,
                    config.cassandraBatchRows,
                    config.cassandraMaxBufferedRows,
                    config.cassandraFlushInterval,
                    PERMIT_TIMEOUT,
                    config.cassandraWriteRetries);
        }

        @Override
        public <ROW extends Tuple> Sink<ROW> sink(String view, String query, int[] partitionKey, int[] primaryKey) {
            return new BatchingCassandraSink<>(cluster, query, view, partitionKey, primaryKey, settings);
        }
    }
}
