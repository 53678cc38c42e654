package io.salespipeline.job.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import io.salespipeline.contract.ViewRetention;
import io.salespipeline.contract.ViewSchema;
import io.salespipeline.contract.ViewStatements;
import io.salespipeline.job.records.SaleEvent;
import io.salespipeline.job.records.TopItemsRank;
import io.salespipeline.job.records.WindowAggregate;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.java.tuple.Tuple;
import org.apache.flink.streaming.api.operators.StreamFlatMap;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Write timestamps and tie-breaks: a final aggregate row is never overwritten by an early one, and
 * of two sales with one write timestamp the later in the log has the greater value.
 */
class ViewRowsTest {

    /** A view without a retention keeps its rows forever. */
    private static final Duration FOREVER = null;

    private static final long MINUTE = 1_530_305_040_000L;

    private static long writeTimestamp(Tuple row) {
        return PartitionBatches.writeTimestamp(row);
    }

    @Test
    void anEarlyRowEmittedAfterAFinalOneLosesToIt() {
        ViewRows.Window minutes = new ViewRows.Window("store_sales_per_minute", ViewSchema.PLAIN, FOREVER);
        long finalRow = writeTimestamp(
                minutes.toRow(new WindowAggregate("s1", MINUTE, MINUTE + 60_000, 5, 2, true), ViewRetention.NO_TTL));
        // after a restore the window is rebuilt and emits early rows again, later in emission order
        long earlyAgain = writeTimestamp(
                minutes.toRow(new WindowAggregate("s1", MINUTE, MINUTE + 60_000, 3, 1, false), ViewRetention.NO_TTL));
        long finalAgain = writeTimestamp(
                minutes.toRow(new WindowAggregate("s1", MINUTE, MINUTE + 60_000, 5, 2, true), ViewRetention.NO_TTL));
        assertThat(earlyAgain).isLessThan(finalRow);
        assertThat(finalAgain).isGreaterThan(finalRow);
    }

    @Test
    void theEnrichedLogicsWindowRowsCarryRevenueAfterFinalAndMatchTheirUpsert() {
        WindowAggregate window = new WindowAggregate("s1", MINUTE, MINUTE + 60_000, 5, 2, true);
        window.revenue = new java.math.BigDecimal("12.35");
        window.unpricedEvents = 1;
        for (ViewSchema schema : ViewSchema.values()) {
            Tuple row =
                    new ViewRows.Window("store_sales_per_minute", schema, FOREVER).toRow(window, ViewRetention.NO_TTL);
            String upsert = io.salespipeline.contract.ViewStatements.storeSalesPerMinute("sales_v1", schema);
            assertThat(row.getArity())
                    .as("one field per bind marker: " + upsert)
                    .isEqualTo(upsert.length() - upsert.replace("?", "").length());
            assertThat(new ViewRows.Window("store_sales_per_minute", schema, FOREVER)
                            .rowType()
                            .getArity())
                    .isEqualTo(row.getArity());
            assertThat(row.<Boolean>getField(6)).isTrue();
            if (schema == ViewSchema.ENRICHED) {
                assertThat(row.<java.math.BigDecimal>getField(7)).isEqualTo(window.revenue);
                assertThat(row.<Long>getField(8)).isEqualTo(1L);
            }
        }
    }

    @Test
    void theEnrichedLogicsRanksCarryCategoryAndRevenueAfterFinalAndMatchTheirUpsert() {
        TopItemsRank rank = new TopItemsRank("s1", MINUTE, MINUTE + 3_600_000, 1, "apple", 9, true);
        rank.category = "Fruit";
        rank.revenue = new java.math.BigDecimal("4.50");
        for (ViewSchema schema : ViewSchema.values()) {
            Tuple row = new ViewRows.TopItems(schema, FOREVER).toRow(rank, ViewRetention.NO_TTL);
            String upsert = ViewStatements.topItemsPerStoreHour("sales_v1", schema);
            assertThat(row.getArity())
                    .as("one field per bind marker: " + upsert)
                    .isEqualTo(upsert.length() - upsert.replace("?", "").length());
            assertThat(new ViewRows.TopItems(schema, FOREVER).rowType().getArity())
                    .isEqualTo(row.getArity());
            assertThat(row.<Boolean>getField(6)).isTrue();
            if (schema == ViewSchema.ENRICHED) {
                assertThat(row.<String>getField(7)).isEqualTo("Fruit");
                assertThat(row.<java.math.BigDecimal>getField(8)).isEqualTo(rank.revenue);
            }
        }
    }

    @Test
    void theEnrichedLogicsStoreDayRowsCarryTheRegionAfterTheUnitsAndMatchTheirUpsert() {
        SaleEvent sale = new SaleEvent("plates-235", "Plates", "s1", 3, MINUTE, "item_sales", 2, 41)
                .joined(null, null, "North-West");
        for (ViewSchema schema : ViewSchema.values()) {
            Tuple row = new ViewRows.SalesByStoreDay(schema, FOREVER).toRow(sale, ViewRetention.NO_TTL);
            String upsert = ViewStatements.salesByStoreDay("sales_v1", schema);
            assertThat(row.getArity())
                    .as("one field per bind marker: " + upsert)
                    .isEqualTo(upsert.length() - upsert.replace("?", "").length());
            assertThat(new ViewRows.SalesByStoreDay(schema, FOREVER).rowType().getArity())
                    .isEqualTo(row.getArity());
            assertThat(row.<String>getField(3)).isEqualTo("2-41");
            assertThat(row.<Integer>getField(6)).isEqualTo(3);
            assertThat(writeTimestamp(row)).isEqualTo(MINUTE * 1000);
            if (schema == ViewSchema.ENRICHED) {
                assertThat(row.<String>getField(7)).isEqualTo("North-West");
            }
        }
    }

    @Test
    void earlyRowsStillFollowTheirEmissionOrderAndSoDoRanks() {
        ViewRows.Window hours = new ViewRows.Window("item_sales_per_hour", ViewSchema.ENRICHED, FOREVER);
        long first = writeTimestamp(hours.toRow(
                new WindowAggregate("apple", MINUTE, MINUTE + 3_600_000, 1, 1, false), ViewRetention.NO_TTL));
        long second = writeTimestamp(hours.toRow(
                new WindowAggregate("apple", MINUTE, MINUTE + 3_600_000, 2, 2, false), ViewRetention.NO_TTL));
        assertThat(second).isGreaterThan(first);

        ViewRows.TopItems ranks = new ViewRows.TopItems(ViewSchema.PLAIN, FOREVER);
        long finalRank = writeTimestamp(ranks.toRow(
                new TopItemsRank("s1", MINUTE, MINUTE + 3_600_000, 1, "apple", 9, true), ViewRetention.NO_TTL));
        long earlyRank = writeTimestamp(ranks.toRow(
                new TopItemsRank("s1", MINUTE, MINUTE + 3_600_000, 1, "pear", 4, false), ViewRetention.NO_TTL));
        assertThat(earlyRank).isLessThan(finalRank);
    }

    @Test
    void logPositionsCompareByteByByteAsTheLogOrdersThem() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 100_000; i++) {
            int p1 = smallOrHuge(random, Integer.MAX_VALUE);
            int p2 = random.nextBoolean() ? p1 : smallOrHuge(random, Integer.MAX_VALUE);
            long o1 = smallOrHuge(random, Long.MAX_VALUE);
            long o2 = smallOrHuge(random, Long.MAX_VALUE);
            int logOrder = Integer.signum(p1 != p2 ? Integer.compare(p1, p2) : Long.compare(o1, o2));
            // Cassandra compares two values of one timestamp as ByteBuffer.compareTo does: signed bytes
            ByteBuffer a = ByteBuffer.wrap(ViewStatements.logPosition(p1, o1).getBytes(StandardCharsets.UTF_8));
            ByteBuffer b = ByteBuffer.wrap(ViewStatements.logPosition(p2, o2).getBytes(StandardCharsets.UTF_8));
            assertThat(Integer.signum(a.compareTo(b)))
                    .as("%d-%d against %d-%d (seed %d)", p1, o1, p2, o2, seed)
                    .isEqualTo(logOrder);
        }
    }

    @Test
    void salesOfOneMillisecondShareTheirWriteTimestampSoTheirValuesDecide() {
        ViewRows.ItemSales rows = new ViewRows.ItemSales(FOREVER);
        Tuple first = rows.toRow(
                new SaleEvent("plates-235", "Plates", "s1", 1, MINUTE, "item_sales", 0, 999), ViewRetention.NO_TTL);
        Tuple second = rows.toRow(
                new SaleEvent("plates-235", "Plates", "s2", 2, MINUTE, "item_sales", 1, 1000), ViewRetention.NO_TTL);
        assertThat(writeTimestamp(first)).isEqualTo(writeTimestamp(second)).isEqualTo(MINUTE * 1000);
        assertThat(first.<String>getField(1)).isEqualTo("0000000000-0000000000000000999");
        assertThat(writeTimestamp(rows.toRow(
                        new SaleEvent("plates-235", "Plates", "s1", 1, MINUTE + 1, "item_sales", 0, 0),
                        ViewRetention.NO_TTL)))
                .isGreaterThan(writeTimestamp(second));
    }

    /**
     * Rows pass through the mapper as its operator runs them: a row past its retention, counted from its event time
     * (a window's from its end), is not written, the others carry the TTL their retention has left before their
     * write timestamp.
     */
    @Test
    void aRowPastItsRetentionIsNotWrittenAndTheOthersCarryTheTtlTheirEventTimeLeaves() throws Exception {
        long now = System.currentTimeMillis();
        long day = 86_400_000L;
        Duration ninetyDays = Duration.ofDays(90);
        SaleEvent old = new SaleEvent("plates-235", "Plates", "s1", 1, now - 100 * day, "item_sales", 0, 1);
        SaleEvent recent = new SaleEvent("plates-235", "Plates", "s1", 1, now - 10 * day, "item_sales", 0, 2);
        List<Tuple> rows = mapped(new ViewRows.SalesByStoreDay(ViewSchema.PLAIN, ninetyDays), old, recent);
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.<String>getField(3)).isEqualTo("0-2");
            assertThat(row.<Integer>getField(row.getArity() - 2))
                    .as("80 days left, less the seconds this test took")
                    .isBetween(80 * 86_400 - 60, 80 * 86_400);
            assertThat(writeTimestamp(row)).isEqualTo(recent.timestampMs * 1000);
        });

        WindowAggregate endedEightyNineDaysAgo =
                new WindowAggregate("s1", now - 89 * day - 3_600_000, now - 89 * day, 5, 2, true);
        WindowAggregate endedNinetyDaysAgo =
                new WindowAggregate("s1", now - 90 * day - 3_600_000, now - 90 * day - 1_000, 5, 2, true);
        List<Tuple> windows = mapped(
                new ViewRows.Window("item_sales_per_hour", ViewSchema.ENRICHED, ninetyDays),
                endedNinetyDaysAgo,
                endedEightyNineDaysAgo);
        assertThat(windows)
                .singleElement()
                .satisfies(row ->
                        assertThat(row.<Integer>getField(row.getArity() - 2)).isBetween(86_400 - 60, 86_400));

        assertThat(mapped(new ViewRows.ItemSales(FOREVER), old))
                .singleElement()
                .satisfies(row ->
                        assertThat(row.<Integer>getField(row.getArity() - 2)).isEqualTo(ViewRetention.NO_TTL));
    }

    @SafeVarargs
    private static <IN> List<Tuple> mapped(ViewRowMapper<IN, ? extends Tuple> mapper, IN... records) throws Exception {
        try (OneInputStreamOperatorTestHarness<IN, Tuple> harness =
                new OneInputStreamOperatorTestHarness<>(new StreamFlatMap<>(castRows(mapper)))) {
            harness.open();
            for (IN record : records) {
                harness.processElement(record, 0L);
            }
            return harness.extractOutputValues();
        }
    }

    @SuppressWarnings("unchecked")
    private static <IN> ViewRowMapper<IN, Tuple> castRows(ViewRowMapper<IN, ? extends Tuple> mapper) {
        return (ViewRowMapper<IN, Tuple>) mapper;
    }

    /** Values near 0, near the digits' carries and near the maximum, where an encoding goes wrong. */
    private static int smallOrHuge(Random random, int max) {
        return switch (random.nextInt(3)) {
            case 0 -> random.nextInt(300);
            case 1 -> max - random.nextInt(300);
            default -> random.nextInt(max);
        };
    }

    private static long smallOrHuge(Random random, long max) {
        return switch (random.nextInt(3)) {
            case 0 -> random.nextInt(300);
            case 1 -> max - random.nextInt(300);
            default -> random.nextLong(max);
        };
    }
}
