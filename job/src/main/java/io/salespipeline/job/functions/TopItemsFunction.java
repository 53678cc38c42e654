package io.salespipeline.job.functions;

import io.salespipeline.job.records.StoreItemAggregate;
import io.salespipeline.job.records.TopItemsRank;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Ranks a store's items by units within one window, from the per-item partials of the
 * (store, item) window. Keyed by (store id, window start).
 *
 * <p>Emits the rows of the ranks whose item or units changed: early ({@code finalResult=false})
 * while this operator's watermark is before the window's last millisecond, the whole ranking as
 * final at that point (event-time timer), and changed ranks again as final when late partials
 * arrive within the allowed lateness, also after a restore whose watermark has not yet passed the
 * window again (the restored ranking remembers that it was final). Rows are keyed by rank downstream, so an item dropping out is
 * overwritten by its successor; the number of ranked items never shrinks, so no row is ever deleted.
 *
 * <p>Kept cheap for RocksDB: besides every item's units ({@link MapState}, one entry per item,
 * touched once per partial) it keeps the current top N, and a partial is merged into that top N
 * without scanning all items, which is exact while units only grow. Only a ranked item whose units
 * shrank (negative sales) forces a scan of all the store's items.
 *
 * <p>State is dropped at {@code windowEnd + allowedLateness}: by then the (store, item) window,
 * built with {@link SalesAggregations#windowLateness}, has dropped its state too, and its last late
 * partial reached this operator ahead of the watermark that fires the cleanup.
 */
public class TopItemsFunction extends KeyedProcessFunction<Tuple2<String, Long>, StoreItemAggregate, TopItemsRank> {

    private static final long serialVersionUID = 1L;

    /** Units descending, then item name ascending, so equal units always rank the same way. */
    static final Comparator<TopItemsRank> RANK_ORDER =
            Comparator.comparingLong((TopItemsRank row) -> row.units).reversed().thenComparing(row -> row.itemName);

    /** Rank of a candidate before sorting. */
    private static final int UNRANKED = 0;

    private final int topN;
    private final long allowedLatenessMs;

    private transient MapState<String, Long> unitsByItem;
    private transient ListState<TopItemsRank> ranking;

    public TopItemsFunction(int topN, Duration allowedLateness) {
        if (topN < 1) {
            throw new IllegalArgumentException("top N must be at least 1: " + topN);
        }
        if (allowedLateness.isNegative()) {
            throw new IllegalArgumentException("allowed lateness must not be negative: " + allowedLateness);
        }
        this.topN = topN;
        this.allowedLatenessMs = allowedLateness.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        unitsByItem = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("units-by-item", Types.STRING, Types.LONG));
        ranking = getRuntimeContext()
                .getListState(new ListStateDescriptor<>("ranking", TypeInformation.of(TopItemsRank.class)));
    }

    @Override
    public void processElement(StoreItemAggregate partial, Context ctx, Collector<TopItemsRank> out)
            throws Exception {
        List<TopItemsRank> previous = currentRanking();
        if (previous.isEmpty()) {
            ctx.timerService().registerEventTimeTimer(lastMillisecond(partial.windowEndMs));
            ctx.timerService().registerEventTimeTimer(cleanupTime(partial.windowEndMs));
        }
        Long unitsBefore = unitsByItem.get(partial.itemName);
        if (unitsBefore != null && unitsBefore == partial.units) {
            return;
        }
        unitsByItem.put(partial.itemName, partial.units);

        List<TopItemsRank> candidates = new ArrayList<>();
        boolean ranked = previous.stream().anyMatch(row -> row.itemName.equals(partial.itemName));
        if (ranked && partial.units < unitsBefore) {
            for (Map.Entry<String, Long> item : unitsByItem.entries()) {
                candidates.add(row(partial, UNRANKED, item.getKey(), item.getValue(), false));
            }
        } else {
            for (TopItemsRank row : previous) {
                if (!row.itemName.equals(partial.itemName)) {
                    candidates.add(row);
                }
            }
            candidates.add(row(partial, UNRANKED, partial.itemName, partial.units, false));
        }
        candidates.sort(RANK_ORDER);

        // After a restore the watermark starts again from nothing while the restored ranking may
        // already be final: a replayed or late partial then changes final ranks, never early ones.
        boolean finalResult = ctx.timerService().currentWatermark() >= lastMillisecond(partial.windowEndMs)
                || previous.stream().anyMatch(row -> row.finalResult);
        List<TopItemsRank> updated = new ArrayList<>(Math.min(topN, candidates.size()));
        for (int i = 0; i < topN && i < candidates.size(); i++) {
            TopItemsRank candidate = candidates.get(i);
            TopItemsRank row = row(partial, i + 1, candidate.itemName, candidate.units, finalResult);
            updated.add(row);
            if (i >= previous.size() || !sameHolder(previous.get(i), row)) {
                out.collect(row);
            }
        }
        ranking.update(updated);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TopItemsRank> out) throws Exception {
        List<TopItemsRank> rows = currentRanking();
        long windowEndMs = rows.get(0).windowEndMs;
        if (timestamp == lastMillisecond(windowEndMs)) {
            for (TopItemsRank row : rows) {
                row.finalResult = true;
                out.collect(row);
            }
            ranking.update(rows);
        } else {
            unitsByItem.clear();
            ranking.clear();
        }
    }

    private List<TopItemsRank> currentRanking() throws Exception {
        List<TopItemsRank> rows = new ArrayList<>(topN);
        Iterable<TopItemsRank> stored = ranking.get();
        if (stored != null) {
            stored.forEach(rows::add);
        }
        return rows;
    }

    private long cleanupTime(long windowEndMs) {
        return windowEndMs + allowedLatenessMs;
    }

    private static long lastMillisecond(long windowEndMs) {
        return windowEndMs - 1;
    }

    private static boolean sameHolder(TopItemsRank a, TopItemsRank b) {
        return a.units == b.units && Objects.equals(a.itemName, b.itemName);
    }

    private static TopItemsRank row(
            StoreItemAggregate partial, int rank, String itemName, long units, boolean finalResult) {
        return new TopItemsRank(
                partial.storeId, partial.windowStartMs, partial.windowEndMs, rank, itemName, units, finalResult);
    }
}
