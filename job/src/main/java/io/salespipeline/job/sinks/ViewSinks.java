package io.salespipeline.job.sinks;

import io.salespipeline.job.records.SaleEvent;
import io.salespipeline.job.records.TopItemsRank;
import io.salespipeline.job.records.WindowAggregate;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Where the materialised views go. The job wires streams into this interface only, so where
 * the rows are written (the job's own batching Cassandra sink, or a test's collecting one) is the
 * implementation's choice, not the pipeline's.
 */
public interface ViewSinks {

    /** View 1: the latest sale of each item by event time. */
    void itemSales(DataStream<SaleEvent> events);

    /** View 2: every valid event by store and day. */
    void salesByStoreDay(DataStream<SaleEvent> events);

    /** View 3: units and events per store per window. */
    void storeSalesPerMinute(DataStream<WindowAggregate> windows);

    /** View 4: units and events per item name per window. */
    void itemSalesPerHour(DataStream<WindowAggregate> windows);

    /** View 5: the top items per store per window. */
    void topItemsPerStoreHour(DataStream<TopItemsRank> ranks);

    /** View 6, only in the enriched logic: units, revenue and events per store region per window. */
    void regionSalesPerHour(DataStream<WindowAggregate> windows);
}
