package io.salespipeline.job.functions;

import io.salespipeline.job.records.LateEvent;
import io.salespipeline.job.records.SaleEvent;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The single definition of "too late": an event is beyond the allowed lateness when
 * {@code timestampMs + allowedLatenessMs < currentWatermark}. Such events are counted, sent to
 * {@link #LATE_EVENTS} with the watermark they missed, and not forwarded, so every aggregate
 * downstream excludes exactly the same events.
 *
 * <p>The minute and hour windows end at different times, so their own lateness checks would
 * disagree about one event (counted in the hour, dropped from the minute). Deciding once, here,
 * keeps the views consistent with each other.
 *
 * <p>The windows downstream never drop an event this gate forwarded: a window operator's watermark
 * when it processes an event is at most this gate's watermark when the event passed (watermarks
 * travel behind the records on each channel, and an operator's watermark is the minimum over its
 * inputs). A forwarded event has {@code timestampMs + allowedLatenessMs >= gateWatermark}, and its
 * window's {@code maxTimestamp >= timestampMs}; the windows are built with one extra millisecond of
 * lateness (see {@link SalesAggregations#windowLateness}) because Flink drops a window once
 * {@code maxTimestamp + lateness <= watermark}, which would otherwise catch the boundary case
 * {@code timestampMs == maxTimestamp, timestampMs + allowedLatenessMs == watermark}.
 *
 * <p>Reads {@link SaleEvent#timestampMs}, which must be the timestamp the source's
 * {@code WatermarkStrategy} assigns, so that the windows place the event where the gate judged it.
 */
public class LatenessGate extends ProcessFunction<SaleEvent, SaleEvent> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<LateEvent> LATE_EVENTS =
            new OutputTag<>("late-events", TypeInformation.of(LateEvent.class));

    public static final String LATE_EVENTS_METRIC = "late_events";

    private final long allowedLatenessMs;

    private transient Counter lateEvents;

    public LatenessGate(Duration allowedLateness) {
        if (allowedLateness.isNegative()) {
            throw new IllegalArgumentException("allowed lateness must not be negative: " + allowedLateness);
        }
        this.allowedLatenessMs = allowedLateness.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        lateEvents = getRuntimeContext().getMetricGroup().counter(LATE_EVENTS_METRIC);
    }

    @Override
    public void processElement(SaleEvent event, Context ctx, Collector<SaleEvent> out) {
        long watermark = ctx.timerService().currentWatermark();
        if (event.timestampMs + allowedLatenessMs < watermark) {
            lateEvents.inc();
            ctx.output(LATE_EVENTS, new LateEvent(event, watermark, allowedLatenessMs));
        } else {
            out.collect(event);
        }
    }
}
