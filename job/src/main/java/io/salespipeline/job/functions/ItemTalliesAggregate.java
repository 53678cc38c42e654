package io.salespipeline.job.functions;

import io.salespipeline.job.records.SalesTally;
import io.salespipeline.job.records.TallyPartial;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * Sums a store's window per item: units and events by item name, what the store's top-N ranking is
 * built from. The accumulator is a map (Flink's map serializer, no Kryo): one entry per item the
 * store sold in the window.
 */
public class ItemTalliesAggregate
        implements AggregateFunction<TallyPartial, Map<String, SalesTally>, Map<String, SalesTally>> {

    private static final long serialVersionUID = 1L;

    /** The accumulator's and the result's type. */
    public static final TypeInformation<Map<String, SalesTally>> TYPE =
            Types.MAP(Types.STRING, TypeInformation.of(SalesTally.class));

    @Override
    public Map<String, SalesTally> createAccumulator() {
        return new HashMap<>();
    }

    @Override
    public Map<String, SalesTally> add(TallyPartial partial, Map<String, SalesTally> accumulator) {
        accumulator.computeIfAbsent(partial.itemName, name -> new SalesTally()).add(partial);
        return accumulator;
    }

    /** A read-only view: with the heap state backend the accumulator itself lives on in window state. */
    @Override
    public Map<String, SalesTally> getResult(Map<String, SalesTally> accumulator) {
        return Collections.unmodifiableMap(accumulator);
    }

    @Override
    public Map<String, SalesTally> merge(Map<String, SalesTally> a, Map<String, SalesTally> b) {
        Map<String, SalesTally> merged = new HashMap<>();
        for (Map<String, SalesTally> side : List.of(a, b)) {
            side.forEach((item, tally) -> merged.merge(item, tally.copy(), SalesTally::plus));
        }
        return merged;
    }
}
