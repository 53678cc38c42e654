package io.salespipeline.job.functions;

import io.salespipeline.job.records.SalesTally;
import io.salespipeline.job.records.StoreItemAggregate;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/** Turns a (store id, item name) window's tally into the per-item partial that {@link TopItemsFunction} ranks. */
public class StoreItemAggregateFunction extends TallyWindowFunction<Tuple2<String, String>, StoreItemAggregate> {

    private static final long serialVersionUID = 1L;

    @Override
    String storeId(Tuple2<String, String> storeAndItem) {
        return storeAndItem.f0;
    }

    @Override
    String itemName(Tuple2<String, String> storeAndItem) {
        return storeAndItem.f1;
    }

    @Override
    StoreItemAggregate result(Tuple2<String, String> storeAndItem, TimeWindow window, SalesTally tally, boolean finalResult) {
        return new StoreItemAggregate(storeAndItem.f0, storeAndItem.f1, window.getStart(), window.getEnd(), tally.units, tally.events, finalResult);
    }
}
