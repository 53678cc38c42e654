package io.salespipeline.job.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.driver.core.BatchStatement;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.salespipeline.contract.ViewRetention;
import io.salespipeline.contract.ViewStatements;
import io.salespipeline.job.records.SaleEvent;
import io.salespipeline.testkit.RealStackExtension;
import io.salespipeline.testkit.TestNamespace;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sales of one item in the same millisecond, written with the job's statement and rows to the real
 * Cassandra in every order, alone and in batches: the row is always the one sale latest in the log,
 * never a mix of two.
 */
@ExtendWith(RealStackExtension.class)
class ItemSalesTiesIT {

    /** A view without a retention keeps its rows forever. */
    private static final Duration FOREVER = null;

    private static final long SAME_MILLISECOND = 1_530_305_100_936L;

    private static SharedSessions.Lease connection;
    private static CqlSession reader;
    private static String keyspace;

    @BeforeAll
    static void connect(TestNamespace namespace) {
        keyspace = namespace.createViewsKeyspace();
        reader = namespace.cqlSession();
        InetSocketAddress cassandra = namespace.endpoints().cassandraAddress();
        connection =
                SharedSessions.acquire(new SalesClusterBuilder(cassandra.getHostString(), cassandra.getPort(), null));
    }

    private static RowBinder binder() {
        return new RowBinder(
                connection.prepare(ViewStatements.itemSales(keyspace)),
                connection.cluster().getConfiguration().getCodecRegistry());
    }

    @AfterAll
    static void close() {
        connection.close();
    }

    @Test
    void theLatestSaleInTheLogWinsATieWhateverOrderTheWritesArriveIn() {
        RowBinder upsert = binder();
        ViewRows.ItemSales rows = new ViewRows.ItemSales(FOREVER);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        // positions whose order a careless encoding gets wrong: offsets across 127/128 and 999/1000, partitions across
        // 9/10
        // with a longer offset on the lower partition, then random ones among them
        List<long[][]> groups = new ArrayList<>(List.of(
                new long[][] {{9, 1_000_000_007L}, {10, 128}},
                new long[][] {{0, 1000}, {0, 999}, {0, 127}},
                new long[][] {{3, 128}, {3, 127}, {2, 100_000}},
                new long[][] {{10, 5}, {9, 123}, {1, 999_999}}));
        int[] partitions = {0, 3, 9, 10};
        long[] offsets = {5, 127, 128, 999, 1000, 1_000_000_007L};
        for (int g = 0; g < 16; g++) {
            long[][] group = new long[2 + random.nextInt(3)][];
            for (int k = 0; k < group.length; k++) {
                group[k] = new long[] {
                    partitions[random.nextInt(partitions.length)], offsets[random.nextInt(offsets.length)] + 10L * k
                };
            }
            groups.add(group);
        }
        for (int round = 0; round < groups.size(); round++) {
            String item = "tie-" + round;
            List<SaleEvent> sales = new ArrayList<>();
            long[][] group = groups.get(round);
            for (int k = 0; k < group.length; k++) {
                // the store and quantity of each sale are of opposite order to its position, so a cell-wise merge shows
                sales.add(new SaleEvent(
                        item,
                        "Item " + round,
                        "store-" + (9 - k),
                        90 - k,
                        SAME_MILLISECOND,
                        "item_sales",
                        (int) group[k][0],
                        group[k][1]));
            }
            SaleEvent latest = Collections.max(
                    sales,
                    Comparator.<SaleEvent>comparingInt(s -> s.sourcePartition).thenComparingLong(s -> s.sourceOffset));
            Collections.shuffle(sales, random);
            if (random.nextBoolean()) {
                BatchStatement batch = new BatchStatement(BatchStatement.Type.UNLOGGED);
                sales.forEach(s -> batch.add(upsert.bind(rows.toRow(s, ViewRetention.NO_TTL))));
                connection.session().execute(batch);
            } else {
                sales.forEach(s -> connection.session().execute(upsert.bind(rows.toRow(s, ViewRetention.NO_TTL))));
            }

            Row row = reader.execute(
                            "SELECT sale.log_position, sale.store_id, sale.item_sold, sale.timestamp_ms FROM "
                                    + keyspace + ".item_sales WHERE item_id = ?",
                            item)
                    .one();
            assertThat(row).isNotNull();
            assertThat(List.of(row.getString(0), row.getString(1), row.getInt(2)))
                    .as("item %s, written in the order %s (seed %d)", item, positions(sales), seed)
                    .containsExactly(
                            ViewStatements.logPosition(latest.sourcePartition, latest.sourceOffset),
                            latest.storeId,
                            latest.itemSold);
            assertThat(row.getInstant(3).toEpochMilli()).isEqualTo(SAME_MILLISECOND);
        }
    }

    @Test
    void aNewerSaleStillBeatsAnOlderOneLaterInTheLog() {
        RowBinder upsert = binder();
        ViewRows.ItemSales rows = new ViewRows.ItemSales(FOREVER);
        SaleEvent newer = new SaleEvent("newer-wins", "Plates", "store-a", 1, SAME_MILLISECOND + 1, "item_sales", 0, 5);
        SaleEvent olderLaterInLog =
                new SaleEvent("newer-wins", "Plates", "store-b", 2, SAME_MILLISECOND, "item_sales", 3, 900);
        connection.session().execute(upsert.bind(rows.toRow(newer, ViewRetention.NO_TTL)));
        connection.session().execute(upsert.bind(rows.toRow(olderLaterInLog, ViewRetention.NO_TTL)));

        Row row = reader.execute("SELECT sale.store_id FROM " + keyspace + ".item_sales WHERE item_id = 'newer-wins'")
                .one();
        assertThat(row.getString(0)).isEqualTo("store-a");
    }

    private static List<String> positions(List<SaleEvent> sales) {
        return sales.stream().map(SaleEvent::eventId).toList();
    }
}
