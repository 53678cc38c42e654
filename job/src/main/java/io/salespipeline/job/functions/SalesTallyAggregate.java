package io.salespipeline.job.functions;

import io.salespipeline.job.records.SalesTally;
import io.salespipeline.job.records.TallyPartial;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Sums the partials of a window, so a window keeps one small accumulator. */
public class SalesTallyAggregate implements AggregateFunction<TallyPartial, SalesTally, SalesTally> {

    private static final long serialVersionUID = 1L;

    @Override
    public SalesTally createAccumulator() {
        return new SalesTally();
    }

    @Override
    public SalesTally add(TallyPartial partial, SalesTally accumulator) {
        accumulator.add(partial);
        return accumulator;
    }

    /** A copy: with the heap state backend the accumulator object itself lives on in window state. */
    @Override
    public SalesTally getResult(SalesTally accumulator) {
        return accumulator.copy();
    }

    @Override
    public SalesTally merge(SalesTally a, SalesTally b) {
        return a.plus(b);
    }
}
