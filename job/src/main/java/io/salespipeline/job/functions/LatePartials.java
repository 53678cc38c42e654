package io.salespipeline.job.functions;

import io.salespipeline.contract.Metrics;
import io.salespipeline.contract.ViewTable;
import io.salespipeline.job.records.LatePartial;
import io.salespipeline.job.records.TallyPartial;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/**
 * A partial its window found closed, as the late envelope of the window's view; counts the events
 * in it as {@code late_window_events} labelled with the view, so that a window operator's
 * {@code numLateRecordsDropped} stays 0 and nothing it excludes goes unseen.
 */
public class LatePartials extends RichMapFunction<TallyPartial, LatePartial> {

    private static final long serialVersionUID = 1L;

    private final ViewTable view;
    private final long windowSizeMs;
    private transient Counter lateEvents;

    public LatePartials(ViewTable view, Duration windowSize) {
        this.view = view;
        this.windowSizeMs = windowSize.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        lateEvents = getRuntimeContext()
                .getMetricGroup()
                .addGroup(Metrics.VIEW_LABEL, view.table())
                .counter(Metrics.LATE_WINDOW_EVENTS);
    }

    @Override
    public LatePartial map(TallyPartial partial) {
        lateEvents.inc(partial.events);
        return new LatePartial(view, partial, windowSizeMs);
    }
}
