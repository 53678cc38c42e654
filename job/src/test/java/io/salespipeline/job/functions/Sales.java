package io.salespipeline.job.functions;

import io.salespipeline.job.records.SaleEvent;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** Test events and instants: real UTC epoch milliseconds on minute and hour boundaries. */
final class Sales {

    /** 2023-11-14T22:00:00Z, the start of an hour. */
    static final long HOUR = 1_699_999_200_000L;
    /** 2023-11-14T22:14:00Z, the start of a minute. */
    static final long MINUTE = HOUR + 14 * 60_000L;

    private static final AtomicLong OFFSETS = new AtomicLong();

    private Sales() {}

    /** A window as the job builds it, with pre-aggregation limits that never flush on their own in a test. */
    static SalesAggregations.WindowSpec window(Duration size, Duration allowedLateness, Duration earlyFiring) {
        return new SalesAggregations.WindowSpec(
                size, allowedLateness, earlyFiring, new LocalTally.Limits(Duration.ofHours(1), 1_000));
    }

    static SaleEvent sale(String storeId, String itemName, int itemSold, long timestampMs) {
        return new SaleEvent(
                "id-" + itemName, itemName, storeId, itemSold, timestampMs, "item_sales", 0, OFFSETS.incrementAndGet());
    }
}
