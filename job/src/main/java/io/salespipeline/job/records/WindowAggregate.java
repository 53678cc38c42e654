package io.salespipeline.job.records;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One window's running totals for one key: a row of {@code store_sales_per_minute} (key = store id)
 * or {@code item_sales_per_hour} (key = item name).
 *
 * <p>A Flink POJO so it never falls back to Kryo. {@link #finalResult} is false for early results
 * emitted while the window is open, true once the watermark has passed the window end (including
 * re-emissions for late events within the allowed lateness).
 */
public class WindowAggregate {

    public String key;
    /** Inclusive window start, epoch milliseconds UTC. */
    public long windowStartMs;
    /** Exclusive window end, epoch milliseconds UTC. */
    public long windowEndMs;

    public long units;
    public long events;
    public boolean finalResult;
    /** Written only by the enriched logic ({@code --enrichment}): see {@link SalesTally}. */
    public BigDecimal revenue = BigDecimal.ZERO;

    public long unpricedEvents;

    public WindowAggregate() {}

    public WindowAggregate(
            String key, long windowStartMs, long windowEndMs, long units, long events, boolean finalResult) {
        this.key = key;
        this.windowStartMs = windowStartMs;
        this.windowEndMs = windowEndMs;
        this.units = units;
        this.events = events;
        this.finalResult = finalResult;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof WindowAggregate)) {
            return false;
        }
        WindowAggregate that = (WindowAggregate) o;
        return windowStartMs == that.windowStartMs
                && windowEndMs == that.windowEndMs
                && units == that.units
                && events == that.events
                && finalResult == that.finalResult
                && unpricedEvents == that.unpricedEvents
                && Objects.equals(revenue, that.revenue)
                && Objects.equals(key, that.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, windowStartMs, windowEndMs, units, events, finalResult, revenue, unpricedEvents);
    }

    @Override
    public String toString() {
        return "WindowAggregate{" + key + " [" + windowStartMs + "," + windowEndMs + ") units=" + units + " events="
                + events + " revenue=" + revenue + " unpriced=" + unpricedEvents + (finalResult ? " final" : " early")
                + "}";
    }
}
