package io.salespipeline.job.records;

import java.util.Objects;

/**
 * Running (units, events) of a window: the accumulator of the windowed aggregation and the
 * last-emitted values used to suppress unchanged early results. A POJO so window state never
 * needs Kryo.
 */
public class SalesTally {

    public long units;
    public long events;

    public SalesTally() {}

    public SalesTally(long units, long events) {
        this.units = units;
        this.events = events;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SalesTally)) {
            return false;
        }
        SalesTally that = (SalesTally) o;
        return units == that.units && events == that.events;
    }

    @Override
    public int hashCode() {
        return Objects.hash(units, events);
    }

    @Override
    public String toString() {
        return "SalesTally{units=" + units + " events=" + events + "}";
    }
}
