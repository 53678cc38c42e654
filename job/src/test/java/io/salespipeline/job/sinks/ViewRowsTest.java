package io.salespipeline.job.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import io.salespipeline.contract.ViewSchema;
import io.salespipeline.contract.ViewStatements;
import io.salespipeline.job.records.SaleEvent;
import io.salespipeline.job.records.TopItemsRank;
import io.salespipeline.job.records.WindowAggregate;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.flink.api.java.tuple.Tuple;
import org.junit.jupiter.api.Test;

/**
 * Write timestamps and tie-breaks: a final aggregate row is never overwritten by an early one, and
 * of two sales with one write timestamp the later in the log has the greater value.
 */
class ViewRowsTest {

    private static final long MINUTE = 1_530_305_040_000L;

    private static long writeTimestamp(Tuple row) {
        return PartitionBatches.writeTimestamp(row);
    }

    @Test
    void anEarlyRowEmittedAfterAFinalOneLosesToIt() {
        ViewRows.Window minutes = new ViewRows.Window("store_sales_per_minute", ViewSchema.PLAIN);
        long finalRow = writeTimestamp(minutes.toRow(new WindowAggregate("s1", MINUTE, MINUTE + 60_000, 5, 2, true)));
        // after a restore the window is rebuilt and emits early rows again, later in emission order
        long earlyAgain =
                writeTimestamp(minutes.toRow(new WindowAggregate("s1", MINUTE, MINUTE + 60_000, 3, 1, false)));
        long finalAgain = writeTimestamp(minutes.toRow(new WindowAggregate("s1", MINUTE, MINUTE + 60_000, 5, 2, true)));
        assertThat(earlyAgain).isLessThan(finalRow);
        assertThat(finalAgain).isGreaterThan(finalRow);
    }

    @Test
    void theEnrichedLogicsWindowRowsCarryRevenueAfterFinalAndMatchTheirUpsert() {
        WindowAggregate window = new WindowAggregate("s1", MINUTE, MINUTE + 60_000, 5, 2, true);
        window.revenue = new java.math.BigDecimal("12.35");
        window.unpricedEvents = 1;
        for (ViewSchema schema : ViewSchema.values()) {
            Tuple row = new ViewRows.Window("store_sales_per_minute", schema).toRow(window);
            String upsert = io.salespipeline.contract.ViewStatements.storeSalesPerMinute("sales_v1", schema);
            assertThat(row.getArity())
                    .as("one field per bind marker: " + upsert)
                    .isEqualTo(upsert.length() - upsert.replace("?", "").length());
            assertThat(new ViewRows.Window("store_sales_per_minute", schema)
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
            Tuple row = new ViewRows.TopItems(schema).toRow(rank);
            String upsert = ViewStatements.topItemsPerStoreHour("sales_v1", schema);
            assertThat(row.getArity())
                    .as("one field per bind marker: " + upsert)
                    .isEqualTo(upsert.length() - upsert.replace("?", "").length());
            assertThat(new ViewRows.TopItems(schema).rowType().getArity()).isEqualTo(row.getArity());
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
            Tuple row = new ViewRows.SalesByStoreDay(schema).toRow(sale);
            String upsert = ViewStatements.salesByStoreDay("sales_v1", schema);
            assertThat(row.getArity())
                    .as("one field per bind marker: " + upsert)
                    .isEqualTo(upsert.length() - upsert.replace("?", "").length());
            assertThat(new ViewRows.SalesByStoreDay(schema).rowType().getArity())
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
        ViewRows.Window hours = new ViewRows.Window("item_sales_per_hour", ViewSchema.ENRICHED);
        long first = writeTimestamp(hours.toRow(new WindowAggregate("apple", MINUTE, MINUTE + 3_600_000, 1, 1, false)));
        long second =
                writeTimestamp(hours.toRow(new WindowAggregate("apple", MINUTE, MINUTE + 3_600_000, 2, 2, false)));
        assertThat(second).isGreaterThan(first);

        ViewRows.TopItems ranks = new ViewRows.TopItems(ViewSchema.PLAIN);
        long finalRank =
                writeTimestamp(ranks.toRow(new TopItemsRank("s1", MINUTE, MINUTE + 3_600_000, 1, "apple", 9, true)));
        long earlyRank =
                writeTimestamp(ranks.toRow(new TopItemsRank("s1", MINUTE, MINUTE + 3_600_000, 1, "pear", 4, false)));
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
        ViewRows.ItemSales rows = new ViewRows.ItemSales();
        Tuple first = rows.toRow(new SaleEvent("plates-235", "Plates", "s1", 1, MINUTE, "item_sales", 0, 999));
        Tuple second = rows.toRow(new SaleEvent("plates-235", "Plates", "s2", 2, MINUTE, "item_sales", 1, 1000));
        assertThat(writeTimestamp(first)).isEqualTo(writeTimestamp(second)).isEqualTo(MINUTE * 1000);
        assertThat(first.<String>getField(1)).isEqualTo("0000000000-0000000000000000999");
        assertThat(rows.toRow(new SaleEvent("plates-235", "Plates", "s1", 1, MINUTE + 1, "item_sales", 0, 0))
                        .<Long>getField(7))
                .isGreaterThan(writeTimestamp(second));
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
