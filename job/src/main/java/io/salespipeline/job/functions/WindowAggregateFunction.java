package io.salespipeline.job.functions;

import io.salespipeline.job.records.SalesTally;
import io.salespipeline.job.records.WindowAggregate;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * Turns a window's tally into a {@link WindowAggregate} row for its key (a store id or an item name).
 * From the final row on, the trigger fires only for the end of the window and for late events
 * within the allowed lateness.
 */
public class WindowAggregateFunction extends TallyWindowFunction<String, WindowAggregate> {

    private static final long serialVersionUID = 1L;

    private final LocalTally.Key key;

    /** @param key what the window's key is: a store id ({@code STORE}) or an item name ({@code ITEM}) */
    public WindowAggregateFunction(LocalTally.Key key) {
        if (key == LocalTally.Key.STORE_AND_ITEM) {
            throw new IllegalArgumentException("a window row has one key: a store or an item name");
        }
        this.key = key;
    }

    @Override
    String storeId(String keyValue) {
        return key == LocalTally.Key.STORE ? keyValue : null;
    }

    @Override
    String itemName(String keyValue) {
        return key == LocalTally.Key.ITEM ? keyValue : null;
    }

    @Override
    WindowAggregate result(String keyValue, TimeWindow window, SalesTally tally, boolean finalResult) {
        return new WindowAggregate(keyValue, window.getStart(), window.getEnd(), tally.units, tally.events, finalResult);
    }
}
