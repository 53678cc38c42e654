package io.salespipeline.job.functions;

import io.salespipeline.job.records.SalesTally;
import io.salespipeline.job.records.WindowAggregate;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Turns a window's tally into a {@link WindowAggregate} row for its key (a store id or an item name).
 * The row is final once the watermark has reached the window's last millisecond, and stays final
 * across restores ({@link WindowFinality}): from then on the trigger fires only for the end of the
 * window and for late events within the allowed lateness.
 */
public class WindowAggregateFunction extends ProcessWindowFunction<SalesTally, WindowAggregate, String, TimeWindow> {

    private static final long serialVersionUID = 1L;

    @Override
    public void process(String key, Context context, Iterable<SalesTally> tallies, Collector<WindowAggregate> out) throws Exception {
        TimeWindow window = context.window();
        boolean finalResult = WindowFinality.isFinal(context);
        for (SalesTally tally : tallies) {
            out.collect(new WindowAggregate(
                    key, window.getStart(), window.getEnd(), tally.units, tally.events, finalResult));
        }
    }

    @Override
    public void clear(Context context) {
        WindowFinality.forget(context);
    }
}
