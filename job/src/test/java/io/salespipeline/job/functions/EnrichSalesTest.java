package io.salespipeline.job.functions;

import static io.salespipeline.job.functions.Sales.MINUTE;
import static io.salespipeline.job.functions.Sales.sale;
import static org.assertj.core.api.Assertions.assertThat;

import io.salespipeline.contract.ReferenceField;
import io.salespipeline.job.records.EnrichmentInput;
import io.salespipeline.job.records.ReferenceVersion;
import io.salespipeline.job.records.SaleEvent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EnrichSalesTest {

    static final String STORE = "Hermitage - 1";
    private static final long PRICE_CHANGE = MINUTE + 30_000;

    private OneInputStreamOperatorTestHarness<EnrichmentInput, SaleEvent> harness;

    @BeforeEach
    void open() throws Exception {
        harness = open(null);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    static OneInputStreamOperatorTestHarness<EnrichmentInput, SaleEvent> open(OperatorSubtaskState state)
            throws Exception {
        OneInputStreamOperatorTestHarness<EnrichmentInput, SaleEvent> opened =
                new OneInputStreamOperatorTestHarness<>(new EnrichSales());
        if (state != null) {
            opened.initializeState(state);
        }
        opened.open();
        return opened;
    }

    static EnrichmentInput price(String itemName, long from, String unitPrice) {
        return EnrichmentInput.version(
                ReferenceVersion.item("id-" + itemName, from, new BigDecimal(unitPrice), "Tableware"));
    }

    static EnrichmentInput region(String storeId, long from, String region) {
        return EnrichmentInput.version(ReferenceVersion.store(storeId, from, region, "Saint Petersburg"));
    }

    private void send(EnrichmentInput... inputs) throws Exception {
        for (EnrichmentInput input : inputs) {
            harness.processElement(new StreamRecord<>(input));
        }
    }

    private void sell(SaleEvent... sales) throws Exception {
        for (SaleEvent sale : sales) {
            harness.processElement(new StreamRecord<>(EnrichmentInput.sale(sale), sale.timestampMs));
        }
    }

    private List<BigDecimal> prices() {
        return harness.extractOutputValues().stream()
                .map(sale -> sale.unitPrice)
                .collect(Collectors.toList());
    }

    /** The watermarks and statuses emitted, and each record as "record <timestamp>", in output order. */
    private List<String> outputOrder() {
        List<String> order = new ArrayList<>();
        for (Object element : harness.getOutput()) {
            if (element instanceof Watermark) {
                order.add("watermark " + ((Watermark) element).getTimestamp());
            } else if (element instanceof WatermarkStatus) {
                order.add(((WatermarkStatus) element).isIdle() ? "idle" : "active");
            } else {
                order.add("record " + ((StreamRecord<?>) element).getTimestamp());
            }
        }
        return order;
    }

    @Test
    void salesWaitUntilTheReferenceTopicsWereReadToTheirEndOnce() throws Exception {
        SaleEvent early = sale(STORE, "plates", 2, MINUTE + 1_000);
        sell(early);
        send(price("plates", MINUTE, "4.95"), EnrichmentInput.referenceWatermark(MINUTE + 500_000));
        assertThat(harness.extractOutputValues()).as("no catch-up yet").isEmpty();

        send(EnrichmentInput.referenceIdle(true));

        assertThat(harness.extractOutputValues()).singleElement().satisfies(joined -> {
            assertThat(joined.unitPrice).isEqualByComparingTo("4.95");
            assertThat(joined.category).isEqualTo("Tableware");
            assertThat(joined.sourceOffset).isEqualTo(early.sourceOffset);
        });
    }

    @Test
    void aReferenceSourceThatEndedWasReadToItsEnd() throws Exception {
        sell(sale(STORE, "plates", 2, MINUTE + 1_000));
        send(price("plates", MINUTE, "4.95"), EnrichmentInput.referenceWatermark(Long.MAX_VALUE));

        assertThat(prices()).containsExactly(new BigDecimal("4.95"));
    }

    @Test
    void joinsTheVersionInForceAtTheEventTimeAPriceChangeInsideAWindowIncluded() throws Exception {
        send(
                price("plates", MINUTE, "4.95"),
                price("plates", PRICE_CHANGE, "5.50"),
                region(STORE, MINUTE, "North-West"),
                EnrichmentInput.referenceIdle(true));

        sell(
                sale(STORE, "plates", 1, PRICE_CHANGE - 1),
                sale(STORE, "plates", 1, PRICE_CHANGE),
                sale(STORE, "plates", 1, PRICE_CHANGE + 1),
                sale(STORE, "plates", 1, MINUTE - 1));

        assertThat(prices())
                .containsExactly(new BigDecimal("4.95"), new BigDecimal("5.50"), new BigDecimal("5.50"), null);
        assertThat(harness.extractOutputValues().get(0).region).isEqualTo("North-West");
        assertThat(harness.extractOutputValues().get(3).region)
                .as("before the store's first version")
                .isEqualTo(ReferenceField.UNKNOWN_REGION);
    }

    @Test
    void aDeletedItemIsUnpricedAnUnknownStoreCountsUnderUnknownAndATombstoneTakesAVersionBack() throws Exception {
        send(
                price("plates", MINUTE, "4.95"),
                EnrichmentInput.version(ReferenceVersion.deleted(ReferenceField.Kind.ITEM, "id-plates", PRICE_CHANGE)),
                price("cups", MINUTE, "2.00"),
                price("cups", PRICE_CHANGE, "3.00"),
                EnrichmentInput.version(ReferenceVersion.tombstone(ReferenceField.Kind.ITEM, "id-cups", PRICE_CHANGE)),
                EnrichmentInput.referenceIdle(true));

        sell(
                sale(STORE, "plates", 1, PRICE_CHANGE + 5),
                sale(STORE, "plates", 1, PRICE_CHANGE - 5),
                sale(STORE, "cups", 1, PRICE_CHANGE + 5));

        List<SaleEvent> out = harness.extractOutputValues();
        assertThat(out.get(0).unitPrice).isNull();
        assertThat(out.get(0).category).isNull();
        assertThat(out.get(1).unitPrice).isEqualByComparingTo("4.95");
        assertThat(out.get(2).unitPrice).as("the tombstoned 3.00 is gone").isEqualByComparingTo("2.00");
        assertThat(out).allSatisfy(sale -> assertThat(sale.region).isEqualTo(ReferenceField.UNKNOWN_REGION));
    }

    @Test
    void whileTheReferenceTopicsAreReadASaleWaitsUntilTheirPublishTimeReachesIt() throws Exception {
        send(price("plates", MINUTE, "4.95"), EnrichmentInput.referenceIdle(true));
        send(EnrichmentInput.referenceIdle(false), EnrichmentInput.referenceWatermark(PRICE_CHANGE - 10));
        sell(sale(STORE, "plates", 1, PRICE_CHANGE - 10), sale(STORE, "plates", 1, PRICE_CHANGE));
        assertThat(prices()).containsExactly(new BigDecimal("4.95"));

        send(price("plates", PRICE_CHANGE, "5.50"), EnrichmentInput.referenceWatermark(PRICE_CHANGE));

        assertThat(prices()).containsExactly(new BigDecimal("4.95"), new BigDecimal("5.50"));
    }

    @Test
    void theOutputWatermarkStaysBelowEveryWaitingSaleAndTheReferenceNeverMovesIt() throws Exception {
        harness.processWatermark(new Watermark(MINUTE));
        sell(sale(STORE, "plates", 1, MINUTE + 2_000));
        harness.processWatermark(new Watermark(MINUTE + 10_000));
        send(EnrichmentInput.referenceWatermark(MINUTE + 3_600_000));

        assertThat(outputOrder()).containsExactly("watermark " + MINUTE, "watermark " + (MINUTE + 1_999));

        send(EnrichmentInput.referenceIdle(true));

        assertThat(outputOrder())
                .containsExactly(
                        "watermark " + MINUTE,
                        "watermark " + (MINUTE + 1_999),
                        "record " + (MINUTE + 2_000),
                        "watermark " + (MINUTE + 10_000));
    }

    @Test
    void theOutputIsIdleOnlyWhenTheSalesAreAndNothingWaits() throws Exception {
        harness.processWatermark(new Watermark(MINUTE));
        sell(sale(STORE, "plates", 1, MINUTE + 2_000));
        harness.processWatermarkStatus(WatermarkStatus.IDLE);
        assertThat(outputOrder()).doesNotContain("idle");

        send(EnrichmentInput.referenceIdle(true));

        assertThat(outputOrder()).containsExactly("watermark " + MINUTE, "record " + (MINUTE + 2_000), "idle");

        harness.processWatermarkStatus(WatermarkStatus.ACTIVE);
        assertThat(outputOrder()).endsWith("idle", "active");
    }

    @Test
    void aRestoredJoinKeepsItsReferenceAndWaitingSalesAndWaitsForACatchUpAgain() throws Exception {
        send(price("plates", MINUTE, "4.95"), region(STORE, MINUTE, "North-West"));
        SaleEvent waiting = sale(STORE, "plates", 3, MINUTE + 1_000);
        sell(waiting);
        OperatorSubtaskState checkpoint = harness.snapshot(1L, 1L);
        harness.close();

        harness = open(checkpoint);
        SaleEvent afterRestore = sale(STORE, "plates", 1, MINUTE + 2_000);
        sell(afterRestore);
        assertThat(harness.extractOutputValues())
                .as("not caught up since the restore")
                .isEmpty();

        send(EnrichmentInput.referenceIdle(true));

        assertThat(harness.extractOutputValues())
                .extracting(sale -> sale.sourceOffset)
                .containsExactlyInAnyOrder(waiting.sourceOffset, afterRestore.sourceOffset);
        assertThat(prices()).allSatisfy(price -> assertThat(price).isEqualByComparingTo("4.95"));
        assertThat(harness.extractOutputValues())
                .allSatisfy(sale -> assertThat(sale.region).isEqualTo("North-West"));
    }

    @Test
    void onRescalingEverySubtaskRestoresTheOneReferenceCopyAndTheWaitingSalesAreSplit() throws Exception {
        harness.close();
        List<OperatorSubtaskState> checkpoints = new ArrayList<>();
        List<SaleEvent> waiting = new ArrayList<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            try (OneInputStreamOperatorTestHarness<EnrichmentInput, SaleEvent> before =
                    new OneInputStreamOperatorTestHarness<>(new EnrichSales(), 128, 2, subtask)) {
                before.open();
                before.processElement(new StreamRecord<>(price("plates", MINUTE, "4.95")));
                for (int i = 0; i < 3; i++) {
                    SaleEvent sale = sale(STORE, "plates", 1, MINUTE + 1_000 + i);
                    waiting.add(sale);
                    before.processElement(new StreamRecord<>(EnrichmentInput.sale(sale), sale.timestampMs));
                }
                checkpoints.add(before.snapshot(1L, 1L));
            }
        }
        OperatorSubtaskState union =
                AbstractStreamOperatorTestHarness.repackageState(checkpoints.toArray(OperatorSubtaskState[]::new));
        List<SaleEvent> released = new ArrayList<>();
        for (int subtask = 0; subtask < 3; subtask++) {
            try (OneInputStreamOperatorTestHarness<EnrichmentInput, SaleEvent> after =
                    new OneInputStreamOperatorTestHarness<>(new EnrichSales(), 128, 3, subtask)) {
                after.initializeState(
                        AbstractStreamOperatorTestHarness.repartitionOperatorState(union, 128, 2, 3, subtask));
                after.open();
                after.processElement(new StreamRecord<>(EnrichmentInput.referenceIdle(true)));
                SaleEvent fresh = sale(STORE, "plates", 1, MINUTE + 5_000);
                after.processElement(new StreamRecord<>(EnrichmentInput.sale(fresh), fresh.timestampMs));
                List<SaleEvent> out = after.extractOutputValues();
                assertThat(out.get(out.size() - 1).unitPrice)
                        .as("subtask %d has the reference", subtask)
                        .isEqualByComparingTo("4.95");
                released.addAll(out.subList(0, out.size() - 1));
            }
        }
        assertThat(released)
                .extracting(sale -> sale.sourceOffset)
                .containsExactlyInAnyOrderElementsOf(
                        waiting.stream().map(sale -> sale.sourceOffset).collect(Collectors.toList()));
        assertThat(released).allSatisfy(sale -> assertThat(sale.unitPrice).isEqualByComparingTo("4.95"));
        harness = open(null);
    }

    @Test
    void referenceReadBeforeOrAfterTheSalesGivesTheSameJoin() throws Exception {
        List<EnrichmentInput> reference = List.of(
                price("plates", MINUTE, "4.95"), price("plates", PRICE_CHANGE, "5.50"), region(STORE, MINUTE, "NW"));
        List<SaleEvent> sales =
                List.of(sale(STORE, "plates", 1, PRICE_CHANGE - 1), sale(STORE, "plates", 2, PRICE_CHANGE + 1));

        send(reference.toArray(EnrichmentInput[]::new));
        send(EnrichmentInput.referenceIdle(true));
        sell(sales.toArray(SaleEvent[]::new));
        List<SaleEvent> referenceFirst = harness.extractOutputValues();
        harness.close();

        harness = open(null);
        sell(sales.toArray(SaleEvent[]::new));
        send(reference.toArray(EnrichmentInput[]::new));
        send(EnrichmentInput.referenceIdle(true));

        assertThat(harness.extractOutputValues()).containsExactlyInAnyOrderElementsOf(referenceFirst);
        assertThat(referenceFirst).extracting(sale -> sale.unitPrice).noneMatch(Objects::isNull);
    }

    private void sellLate(SaleEvent... sales) throws Exception {
        for (SaleEvent sale : sales) {
            harness.processElement(new StreamRecord<>(EnrichmentInput.lateSale(sale), sale.timestampMs));
        }
    }

    private List<SaleEvent> lateSales() {
        // the harness has no queue for a side output before its first record
        java.util.Queue<StreamRecord<SaleEvent>> late = harness.getSideOutput(EnrichSales.LATE_SALES);
        return late == null
                ? List.of()
                : late.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    @Test
    void lateSalesAreJoinedByTheSameRuleForTheRecordViewsAloneAndHoldNoWatermarkBack() throws Exception {
        harness.processWatermark(new Watermark(PRICE_CHANGE));
        send(price("plates", MINUTE, "4.95"), region(STORE, MINUTE, "North-West"));
        SaleEvent late = sale(STORE, "plates", 2, MINUTE + 1_000);
        sellLate(late);
        harness.processWatermarkStatus(WatermarkStatus.IDLE);

        assertThat(lateSales()).as("no catch-up yet").isEmpty();
        assertThat(outputOrder())
                .as("a waiting late sale holds no window back")
                .containsExactly("watermark " + PRICE_CHANGE, "idle");

        OperatorSubtaskState checkpoint = harness.snapshot(1L, 1L);
        harness.close();
        harness = open(checkpoint);
        send(EnrichmentInput.referenceIdle(true));

        assertThat(lateSales()).singleElement().satisfies(joined -> {
            assertThat(joined.sourceOffset).isEqualTo(late.sourceOffset);
            assertThat(joined.unitPrice).isEqualByComparingTo("4.95");
            assertThat(joined.region).isEqualTo("North-West");
        });
        assertThat(harness.extractOutputValues())
                .as("no window counts a late sale")
                .isEmpty();

        SaleEvent lateOfAnUnlistedStore = sale("Store 9", "plates", 1, MINUTE + 2_000);
        sellLate(lateOfAnUnlistedStore);
        assertThat(lateSales())
                .as("joined at once, once caught up")
                .extracting(sale -> sale.region)
                .containsExactly("North-West", ReferenceField.UNKNOWN_REGION);
    }
}
