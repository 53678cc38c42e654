package io.salespipeline.job.functions;

import io.salespipeline.contract.Metrics;
import io.salespipeline.job.records.DeadLetter;
import io.salespipeline.job.records.SaleEvent;
import io.salespipeline.job.records.SourceRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits what the source parsed: valid events go on, rejected input to the dead-letter side
 * output. Also publishes the event-time lag (wall clock minus watermark), the number to watch while
 * a replay catches up.
 */
public class RouteParsedRecords extends ProcessFunction<SourceRecord, SaleEvent> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private transient volatile long lastWatermark;

    @Override
    public void open(OpenContext openContext) {
        lastWatermark = Long.MIN_VALUE;
        getRuntimeContext().getMetricGroup().gauge(Metrics.EVENT_TIME_LAG_MS, (Gauge<Long>)
                () -> lastWatermark == Long.MIN_VALUE ? -1L : System.currentTimeMillis() - lastWatermark);
    }

    @Override
    public void processElement(SourceRecord record, Context ctx, Collector<SaleEvent> out) {
        lastWatermark = ctx.timerService().currentWatermark();
        if (record.isValid()) {
            out.collect(record.event);
        } else {
            ctx.output(DEAD_LETTERS, record.deadLetter);
        }
    }
}
