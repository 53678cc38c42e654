package io.salespipeline.job.functions;

import io.salespipeline.job.records.SaleEvent;
import io.salespipeline.job.records.SalesTally;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Incrementally sums units sold and counts events, so a window keeps one small accumulator. */
public class SalesTallyAggregate implements AggregateFunction<SaleEvent, SalesTally, SalesTally> {

    private static final long serialVersionUID = 1L;

    @Override
    public SalesTally createAccumulator() {
        return new SalesTally(0L, 0L);
    }

    @Override
    public SalesTally add(SaleEvent event, SalesTally accumulator) {
        accumulator.units += event.itemSold;
        accumulator.events += 1;
        return accumulator;
    }

    /** A copy: with the heap state backend the accumulator object itself lives on in window state. */
    @Override
    public SalesTally getResult(SalesTally accumulator) {
        return new SalesTally(accumulator.units, accumulator.events);
    }

    @Override
    public SalesTally merge(SalesTally a, SalesTally b) {
        return new SalesTally(a.units + b.units, a.events + b.events);
    }
}
