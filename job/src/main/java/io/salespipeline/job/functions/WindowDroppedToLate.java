package io.salespipeline.job.functions;

import io.salespipeline.job.records.LateEvent;
import io.salespipeline.job.records.SaleEvent;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The safety net behind the lateness gate: an event a window operator dropped as late (none should
 * be, see {@link SalesAggregations#windowLateness}) still reaches the late topic and a counter.
 */
public class WindowDroppedToLate extends ProcessFunction<SaleEvent, LateEvent> {

    private static final long serialVersionUID = 1L;

    public static final String DROPPED_METRIC = "window_dropped_events";

    private final long allowedLatenessMs;
    private transient Counter dropped;

    public WindowDroppedToLate(Duration allowedLateness) {
        this.allowedLatenessMs = allowedLateness.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        dropped = getRuntimeContext().getMetricGroup().counter(DROPPED_METRIC);
    }

    @Override
    public void processElement(SaleEvent event, Context ctx, Collector<LateEvent> out) {
        dropped.inc();
        out.collect(new LateEvent(event, ctx.timerService().currentWatermark(), allowedLatenessMs));
    }
}
