package io.salespipeline.job.functions;

import io.salespipeline.job.records.SalesTally;
import io.salespipeline.job.records.WindowAggregate;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Turns a window's tally into a {@link WindowAggregate} row for its key (a store id, an item name or a region).
 * From the final row on, the trigger fires only for the end of the window and for late events
 * within the allowed lateness.
 */
public class WindowAggregateFunction extends TallyWindowFunction<SalesTally, String, WindowAggregate> {

    private static final long serialVersionUID = 1L;

    private final LocalTally.Key key;

    /** @param key what the window's key is: a store id, an item name or a region */
    public WindowAggregateFunction(LocalTally.Key key) {
        if (key == LocalTally.Key.STORE_AND_ITEM) {
            throw new IllegalArgumentException("a window row has one key: a store, an item name or a region");
        }
        this.key = key;
    }

    @Override
    void emit(String keyValue, Context context, SalesTally tally, boolean finalResult, Collector<WindowAggregate> out) {
        TimeWindow window = context.window();
        WindowAggregate row = new WindowAggregate(
                keyValue, window.getStart(), window.getEnd(), tally.units, tally.events, finalResult);
        row.revenue = tally.revenue;
        row.unpricedEvents = tally.unpricedEvents;
        out.collect(row);
    }

    @Override
    void sendAsClosed(String keyValue, Context context, SalesTally tally) throws Exception {
        sendUnsent(context, key, keyValue, null, tally);
    }
}
