package io.salespipeline.job.records;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * Running totals of a window: the accumulator of the windowed aggregation and the last-emitted
 * values used to suppress unchanged early results. Revenue and unpriced events stay zero unless
 * the sales were joined with the catalog ({@code --enrichment}). A POJO so window state never
 * needs Kryo.
 */
public class SalesTally {

    public long units;
    public long events;
    /** Units times unit price over the priced sales, exact: a sum's scale is its terms' largest, whatever their order. */
    public BigDecimal revenue = BigDecimal.ZERO;
    /** Joined sales whose item had no price in force at their event time. */
    public long unpricedEvents;
    /**
     * The category of the item's priced sales (an item's tally in a ranking), null when none; the greatest name should
     * the catalog have moved the item within the window, so that the order of the sales never decides.
     */
    public String category;

    public SalesTally() {}

    public SalesTally(long units, long events, BigDecimal revenue, long unpricedEvents) {
        this.units = units;
        this.events = events;
        this.revenue = revenue;
        this.unpricedEvents = unpricedEvents;
    }

    /** Adds a partial's sums into this tally. */
    public void add(TallyPartial partial) {
        units += partial.units;
        events += partial.events;
        revenue = revenue.add(partial.revenue);
        unpricedEvents += partial.unpricedEvents;
        category = greaterCategory(category, partial.category);
    }

    /** A new tally of both. */
    public SalesTally plus(SalesTally other) {
        SalesTally sum = new SalesTally(
                units + other.units,
                events + other.events,
                revenue.add(other.revenue),
                unpricedEvents + other.unpricedEvents);
        sum.category = greaterCategory(category, other.category);
        return sum;
    }

    /** Of two categories (either may be null) the greater name: the same whichever sale came first. */
    public static String greaterCategory(String a, String b) {
        if (a == null) {
            return b;
        }
        return b == null || a.compareTo(b) >= 0 ? a : b;
    }

    /** What this tally holds beyond {@code earlier}, a tally of a subset of its sales, as a partial's sums. */
    public void subtractInto(SalesTally earlier, TallyPartial into) {
        into.units = units - earlier.units;
        into.events = events - earlier.events;
        into.revenue = revenue.subtract(earlier.revenue);
        into.unpricedEvents = unpricedEvents - earlier.unpricedEvents;
    }

    public SalesTally copy() {
        SalesTally copy = new SalesTally(units, events, revenue, unpricedEvents);
        copy.category = category;
        return copy;
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
        return units == that.units
                && events == that.events
                && unpricedEvents == that.unpricedEvents
                && Objects.equals(revenue, that.revenue)
                && Objects.equals(category, that.category);
    }

    @Override
    public int hashCode() {
        return Objects.hash(units, events, revenue, unpricedEvents, category);
    }

    @Override
    public String toString() {
        return "SalesTally{units=" + units + " events=" + events + " revenue=" + revenue + " unpriced=" + unpricedEvents
                + (category == null ? "" : " category=" + category) + "}";
    }
}
