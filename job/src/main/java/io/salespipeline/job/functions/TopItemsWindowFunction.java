package io.salespipeline.job.functions;

import io.salespipeline.job.records.SalesTally;
import io.salespipeline.job.records.TopItemsRank;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Ranks a store's items by units within one window, from the window's per-item sums
 * ({@link ItemTalliesAggregate}); keyed by store id. Being the window itself, the ranking lives and
 * is dropped with the window's contents, under the window's lateness: a sale reaching a closed
 * window leaves as a closed-window partial instead of starting a ranking again from the few items
 * that arrived late.
 *
 * <p>Each firing emits the rows of the ranks whose item, units or finality changed since the last
 * (per-window state): early rows while the window is open, the whole ranking as final at its last
 * millisecond, changed ranks as final within the lateness, also after a restore. Rows are keyed by
 * rank downstream, so an item dropping out is overwritten by its successor; the number of ranked
 * items never shrinks within a window, so no row is ever deleted.
 */
public class TopItemsWindowFunction extends TallyWindowFunction<Map<String, SalesTally>, String, TopItemsRank> {

    private static final long serialVersionUID = 1L;

    /** Units descending, then item name ascending, so equal units always rank the same way. */
    static final Comparator<Map.Entry<String, SalesTally>> RANK_ORDER = Comparator.comparingLong(
                    (Map.Entry<String, SalesTally> item) -> item.getValue().units)
            .reversed()
            .thenComparing(Map.Entry::getKey);

    private static final ListStateDescriptor<TopItemsRank> EMITTED =
            new ListStateDescriptor<>("emitted-ranks", TypeInformation.of(TopItemsRank.class));

    private final int topN;

    public TopItemsWindowFunction(int topN) {
        if (topN < 1) {
            throw new IllegalArgumentException("top N must be at least 1: " + topN);
        }
        this.topN = topN;
    }

    @Override
    void emit(
            String storeId,
            Context context,
            Map<String, SalesTally> items,
            boolean finalResult,
            Collector<TopItemsRank> out)
            throws Exception {
        List<Map.Entry<String, SalesTally>> ordered = new ArrayList<>(items.entrySet());
        ordered.sort(RANK_ORDER);
        ListState<TopItemsRank> emitted = context.windowState().getListState(EMITTED);
        List<TopItemsRank> before = new ArrayList<>(topN);
        Iterable<TopItemsRank> stored = emitted.get();
        if (stored != null) {
            stored.forEach(before::add);
        }
        TimeWindow window = context.window();
        List<TopItemsRank> ranking = new ArrayList<>(Math.min(topN, ordered.size()));
        for (int i = 0; i < topN && i < ordered.size(); i++) {
            Map.Entry<String, SalesTally> item = ordered.get(i);
            TopItemsRank row = new TopItemsRank(
                    storeId,
                    window.getStart(),
                    window.getEnd(),
                    i + 1,
                    item.getKey(),
                    item.getValue().units,
                    finalResult);
            row.category = item.getValue().category;
            row.revenue = item.getValue().revenue;
            ranking.add(row);
            if (i >= before.size() || !before.get(i).equals(row)) {
                out.collect(row);
            }
        }
        emitted.update(ranking);
    }

    @Override
    void sendAsClosed(String storeId, Context context, Map<String, SalesTally> items) throws Exception {
        for (Map.Entry<String, SalesTally> item : items.entrySet()) {
            sendUnsent(context, LocalTally.Key.STORE_AND_ITEM, storeId, item.getKey(), item.getValue());
        }
    }

    @Override
    void forget(Context context) {
        context.windowState().getListState(EMITTED).clear();
    }
}
