package io.salespipeline.job.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.salespipeline.contract.ReferenceField;
import io.salespipeline.job.records.EnrichmentInput;
import io.salespipeline.job.records.ReferenceVersion;
import io.salespipeline.job.records.SaleEvent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The enrichment join on random schedules: a live run (the reference topics and the sales read as they are
 * published, sales from tills that went offline arriving late, the reference source going idle and active again) and
 * a replay (everything already published, read in any interleaving), each with snapshots and restores at random
 * moments. Every sale must leave exactly once, joined with the versions in force at its event time as the whole
 * reference data defines them: in a live run whenever every version was published at least {@link #LEAD} before it
 * took effect (longer than the reference source needs to read it), in a replay whatever corrections the log holds, and the join must never put a sale behind its own output
 * watermark that the input watermark had not already passed.
 *
 * <p>{@code -Denrich.schedules=N} runs N schedules (default 300), {@code -Denrich.seed=S} replays from seed S.
 */
class EnrichSalesSchedulesTest {

    private static final long LEAD = 2_000;
    private static final long IDLE_GAP = 300;
    private static final long SPAN = 60_000;
    private static final String[] ITEMS = {"plates", "cups", "forks"};
    private static final String[] STORES = {"s1", "s2", "unlisted"};

    /** One step of a schedule, at a wall-clock time; ties keep the order they were generated in. */
    private record Step(long wallMs, int order, EnrichmentInput input, Watermark salesWatermark) {}

    @Test
    void everySaleLeavesOnceWithTheVersionsInForceAtItsEventTimeWhateverTheReadOrder() throws Exception {
        long seed = Long.getLong("enrich.seed", System.nanoTime());
        int schedules = Integer.getInteger("enrich.schedules", 300);
        for (int run = 0; run < schedules; run++) {
            long runSeed = seed + run;
            Random random = new Random(runSeed);
            boolean replay = random.nextBoolean();
            try {
                runSchedule(random, replay);
            } catch (AssertionError e) {
                throw new AssertionError(
                        "enrich seed " + runSeed + " (" + (replay ? "replay" : "live") + "; replay with -Denrich.seed="
                                + runSeed + " -Denrich.schedules=1): " + e.getMessage(),
                        e);
            }
        }
    }

    private static void runSchedule(Random random, boolean replay) throws Exception {
        List<Published> versions = versions(random, replay);
        List<SaleEvent> sales = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            String item = ITEMS[random.nextInt(ITEMS.length)];
            SaleEvent sale = Sales.sale(STORES[random.nextInt(STORES.length)], item, 1, random.nextInt((int) SPAN));
            sale.itemId = item;
            sales.add(sale);
        }
        List<Step> steps = replay ? replaySchedule(random, versions, sales) : liveSchedule(random, versions, sales);

        Map<Long, SaleEvent> out = new HashMap<>();
        Map<Long, Long> inputWatermarkAtArrival = new HashMap<>();
        long inputWatermark = Long.MIN_VALUE;
        long outputWatermark = Long.MIN_VALUE;
        OneInputStreamOperatorTestHarness<EnrichmentInput, SaleEvent> harness = EnrichSalesTest.open(null);
        int restores = 0;
        boolean referenceAtItsEnd = false;
        for (Step step : steps) {
            if (random.nextInt(60) == 0) {
                OperatorSubtaskState checkpoint = harness.snapshot(1L, 1L);
                harness.close();
                harness = EnrichSalesTest.open(checkpoint);
                restores++;
                if (referenceAtItsEnd) {
                    // the reference source, restored at the end of its topics, goes idle again
                    harness.processElement(new StreamRecord<>(EnrichmentInput.referenceIdle(true)));
                }
            }
            if (step.input() != null && step.input().kind != EnrichmentInput.Kind.SALE) {
                referenceAtItsEnd = step.input().kind == EnrichmentInput.Kind.REFERENCE_IDLE;
            }
            if (step.salesWatermark() != null) {
                inputWatermark = step.salesWatermark().getTimestamp();
                harness.processWatermark(step.salesWatermark());
            } else {
                EnrichmentInput input = step.input();
                if (input.kind == EnrichmentInput.Kind.SALE) {
                    inputWatermarkAtArrival.put(input.sale.sourceOffset, inputWatermark);
                    harness.processElement(new StreamRecord<>(input, input.sale.timestampMs));
                } else {
                    harness.processElement(new StreamRecord<>(input));
                }
            }
            for (Object element = harness.getOutput().poll();
                    element != null;
                    element = harness.getOutput().poll()) {
                if (element instanceof Watermark) {
                    outputWatermark = ((Watermark) element).getTimestamp();
                    assertThat(outputWatermark)
                            .as("the output watermark never passes the input's")
                            .isLessThanOrEqualTo(inputWatermark);
                } else if (element instanceof StreamRecord) {
                    SaleEvent sale = (SaleEvent) ((StreamRecord<?>) element).getValue();
                    assertThat(out.put(sale.sourceOffset, sale))
                            .as("sale %s twice", sale)
                            .isNull();
                    if (sale.timestampMs > inputWatermarkAtArrival.get(sale.sourceOffset)) {
                        assertThat(sale.timestampMs)
                                .as("%s left behind the output watermark", sale)
                                .isGreaterThan(outputWatermark);
                    }
                }
            }
        }
        harness.processWatermarkStatus(WatermarkStatus.IDLE);
        harness.close();

        assertThat(out).as("every sale left (%d restores)", restores).hasSize(sales.size());
        for (SaleEvent sale : sales) {
            SaleEvent joined = out.get(sale.sourceOffset);
            ReferenceVersion item = inForce(versions, ReferenceField.Kind.ITEM, sale.itemId, sale.timestampMs);
            ReferenceVersion store = inForce(versions, ReferenceField.Kind.STORE, sale.storeId, sale.timestampMs);
            assertThat(joined.unitPrice).as("price of %s", sale).isEqualTo(item == null ? null : item.unitPrice);
            assertThat(joined.region)
                    .as("region of %s", sale)
                    .isEqualTo(store == null ? ReferenceField.UNKNOWN_REGION : store.region);
        }
    }

    /**
     * A version and when it was published: at least {@link #LEAD} before it takes effect, or, in a replay's log, also
     * after (a retroactive correction, which only a reprocess applies to the sales before it).
     */
    private record Published(long publishedMs, ReferenceVersion version) {}

    private static List<Published> versions(Random random, boolean withCorrections) {
        List<Published> versions = new ArrayList<>();
        for (String item : ITEMS) {
            for (long published = -LEAD - random.nextInt(3_000); published < SPAN; ) {
                long from = withCorrections && random.nextInt(4) == 0
                        ? published - random.nextInt(20_000)
                        : published + LEAD + random.nextInt(15_000);
                ReferenceVersion version = random.nextInt(8) == 0
                        ? ReferenceVersion.deleted(ReferenceField.Kind.ITEM, item, from)
                        : ReferenceVersion.item(item, from, BigDecimal.valueOf(100 + random.nextInt(900), 2), "c");
                versions.add(new Published(published, version));
                published += 1 + random.nextInt(20_000);
            }
        }
        for (String store : List.of("s1", "s2")) {
            versions.add(new Published(-LEAD - 1, ReferenceVersion.store(store, 0, "r-" + store, "city")));
            long published = random.nextInt((int) SPAN);
            versions.add(new Published(
                    published, ReferenceVersion.store(store, published + LEAD + random.nextInt(5_000), "moved", "c")));
        }
        versions.sort(Comparator.comparingLong(Published::publishedMs));
        return versions;
    }

    /** The version in force at {@code timeMs} as the whole reference data defines it; null for none or deleted. */
    private static ReferenceVersion inForce(
            List<Published> versions, ReferenceField.Kind kind, String id, long timeMs) {
        ReferenceVersion found = null;
        for (Published published : versions) {
            ReferenceVersion v = published.version();
            if (v.kind == kind
                    && v.id.equals(id)
                    && v.effectiveFromMs <= timeMs
                    && (found == null || v.effectiveFromMs >= found.effectiveFromMs)) {
                found = v;
            }
        }
        return found == null || found.deleted ? null : found;
    }

    /**
     * Read as published: each version within {@link #LEAD} of its publication, then its publish time as the reference
     * watermark, the reference idle once {@link #IDLE_GAP} passed with everything published read; each sale at its
     * event time, or up to 20 s later from a till that was offline; the sales' watermark every second.
     */
    private static List<Step> liveSchedule(Random random, List<Published> versions, List<SaleEvent> sales) {
        List<Step> steps = new ArrayList<>();
        long lastRead = Long.MIN_VALUE;
        boolean idle = false;
        for (int i = 0; i < versions.size(); i++) {
            Published published = versions.get(i);
            long read = Math.max(lastRead, published.publishedMs() + random.nextInt((int) (LEAD / 2)));
            if (idle) {
                steps.add(new Step(read, steps.size(), EnrichmentInput.referenceIdle(false), null));
            }
            steps.add(new Step(read, steps.size(), EnrichmentInput.version(published.version()), null));
            steps.add(new Step(read, steps.size(), EnrichmentInput.referenceWatermark(published.publishedMs()), null));
            lastRead = read;
            long quietAt = read + IDLE_GAP;
            idle = i + 1 == versions.size() || versions.get(i + 1).publishedMs() > quietAt;
            if (idle) {
                steps.add(new Step(quietAt, steps.size(), EnrichmentInput.referenceIdle(true), null));
            }
        }
        for (SaleEvent sale : sales) {
            long delay = random.nextInt(10) == 0 ? random.nextInt(20_000) : random.nextInt(500);
            steps.add(new Step(sale.timestampMs + delay, steps.size(), EnrichmentInput.sale(sale), null));
        }
        steps.sort(Comparator.comparingLong(Step::wallMs).thenComparingInt(Step::order));
        return withSalesWatermarks(steps);
    }

    /** Everything already published: the versions in publish order, interleaved anyhow with the sales. */
    private static List<Step> replaySchedule(Random random, List<Published> versions, List<SaleEvent> sales) {
        List<EnrichmentInput> saleInputs = new ArrayList<>();
        sales.forEach(sale -> saleInputs.add(EnrichmentInput.sale(sale)));
        Collections.shuffle(saleInputs, random);
        List<EnrichmentInput> reference = new ArrayList<>();
        for (Published published : versions) {
            reference.add(EnrichmentInput.version(published.version()));
            reference.add(EnrichmentInput.referenceWatermark(published.publishedMs()));
        }
        reference.add(EnrichmentInput.referenceIdle(true));
        List<Step> steps = new ArrayList<>();
        int s = 0;
        int r = 0;
        while (s < saleInputs.size() || r < reference.size()) {
            boolean takeSale = r == reference.size() || (s < saleInputs.size() && random.nextBoolean());
            steps.add(new Step(steps.size(), steps.size(), takeSale ? saleInputs.get(s++) : reference.get(r++), null));
        }
        return withSalesWatermarks(steps);
    }

    /** Adds a sales watermark after every tenth step: the highest event time so far less 1 s, never going back. */
    private static List<Step> withSalesWatermarks(List<Step> steps) {
        List<Step> withWatermarks = new ArrayList<>();
        long highest = Long.MIN_VALUE;
        long emitted = Long.MIN_VALUE;
        for (Step step : steps) {
            withWatermarks.add(step);
            if (step.input().kind == EnrichmentInput.Kind.SALE) {
                highest = Math.max(highest, step.input().sale.timestampMs);
            }
            if (withWatermarks.size() % 10 == 0 && highest - 1_000 > emitted) {
                emitted = highest - 1_000;
                withWatermarks.add(new Step(step.wallMs(), step.order(), null, new Watermark(emitted)));
            }
        }
        return withWatermarks;
    }
}
