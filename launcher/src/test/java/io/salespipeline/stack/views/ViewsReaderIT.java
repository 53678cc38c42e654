package io.salespipeline.stack.views;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.salespipeline.stack.cli.ViewsCommand;
import io.salespipeline.stack.views.ViewsReader.SaleRow;
import io.salespipeline.stack.views.ViewsReader.StoreSaleRow;
import io.salespipeline.stack.views.ViewsReader.TopItemRow;
import io.salespipeline.stack.views.ViewsReader.WindowRow;
import io.salespipeline.testkit.RealStackExtension;
import io.salespipeline.testkit.TestNamespace;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The five read patterns against the real Cassandra: known rows in this class's own views keyspace,
 * beside rows in neighbouring partitions (another store, item or day) that must never show up.
 * The shared sales.active_version is only read, never written.
 */
@ExtendWith(RealStackExtension.class)
class ViewsReaderIT {

    private static final LocalDate DAY = LocalDate.parse("2024-03-01");
    private static final LocalDate NEXT_DAY = DAY.plusDays(1);

    private static String keyspace;
    private static String contact;

    @BeforeAll
    static void writeKnownRows(TestNamespace ns) {
        keyspace = ns.createViewsKeyspace();
        contact = ns.endpoints().cassandraContact();
        try (CqlSession session = ns.cqlSession()) {
            String ks = keyspace;
            insert(
                    session,
                    "INSERT INTO " + ks
                            + ".item_sales (item_id, sale) VALUES (?, {log_position: ?, store_id: ?, "
                            + "timestamp_ms: ?, timestamp_dt: ?, "
                            + "item_name: ?, item_sold: ?})",
                    List.of(
                            "it-1",
                            "0000000000-0000000000000000007",
                            "Store A",
                            at("2024-03-01T10:15:30.250Z"),
                            DAY,
                            "Item One",
                            3),
                    List.of(
                            "it-2",
                            "0000000001-0000000000000000003",
                            "Store B",
                            at("2024-03-01T11:00:00Z"),
                            DAY,
                            "Item Two",
                            1));

            String storeDay = "INSERT INTO " + ks
                    + ".sales_by_store_day (store_id, timestamp_dt, timestamp_ms, event_id, item_id, "
                    + "item_name, item_sold) VALUES (?, ?, ?, ?, ?, ?, ?)";
            insert(
                    session,
                    storeDay,
                    List.of("Store A", DAY, at("2024-03-01T10:00:00Z"), "0-1", "it-1", "Item One", 2),
                    List.of("Store A", DAY, at("2024-03-01T10:15:30.250Z"), "0-7", "it-1", "Item One", 3),
                    // the same millisecond as 0-7: event_id orders them
                    List.of("Store A", DAY, at("2024-03-01T10:15:30.250Z"), "1-3", "it-2", "Item Two", 1),
                    List.of("Store A", DAY, at("2024-03-01T10:05:00Z"), "2-4", "it-3", "Item Three", 5),
                    List.of("Store A", NEXT_DAY, at("2024-03-02T00:00:01Z"), "3-1", "it-1", "Item One", 9),
                    List.of("Store B", DAY, at("2024-03-01T10:30:00Z"), "3-2", "it-2", "Item Two", 9));

            String minute = "INSERT INTO " + ks
                    + ".store_sales_per_minute (store_id, window_date, window_start, window_end, units, "
                    + "events, final) VALUES (?, ?, ?, ?, ?, ?, ?)";
            insert(
                    session,
                    minute,
                    List.of("Store A", DAY, at("2024-03-01T10:02:00Z"), at("2024-03-01T10:03:00Z"), 1L, 1L, false),
                    List.of("Store A", DAY, at("2024-03-01T10:00:00Z"), at("2024-03-01T10:01:00Z"), 5L, 2L, true),
                    List.of("Store A", DAY, at("2024-03-01T23:59:00Z"), at("2024-03-02T00:00:00Z"), 4L, 1L, false),
                    List.of("Store A", DAY, at("2024-03-01T10:01:00Z"), at("2024-03-01T10:02:00Z"), 7L, 3L, true),
                    List.of("Store A", NEXT_DAY, at("2024-03-02T00:00:00Z"), at("2024-03-02T00:01:00Z"), 9L, 9L, false),
                    List.of("Store B", DAY, at("2024-03-01T10:00:00Z"), at("2024-03-01T10:01:00Z"), 9L, 9L, true));

            String hour = "INSERT INTO " + ks
                    + ".item_sales_per_hour (item_name, window_date, window_start, window_end, units, events, "
                    + "final) VALUES (?, ?, ?, ?, ?, ?, ?)";
            insert(
                    session,
                    hour,
                    List.of("Item One", DAY, at("2024-03-01T10:00:00Z"), at("2024-03-01T11:00:00Z"), 3L, 1L, false),
                    List.of("Item One", DAY, at("2024-03-01T09:00:00Z"), at("2024-03-01T10:00:00Z"), 2L, 1L, true),
                    List.of(
                            "Item One",
                            NEXT_DAY,
                            at("2024-03-02T00:00:00Z"),
                            at("2024-03-02T01:00:00Z"),
                            9L,
                            9L,
                            false),
                    List.of("Item Two", DAY, at("2024-03-01T09:00:00Z"), at("2024-03-01T10:00:00Z"), 9L, 9L, true));

            String top = "INSERT INTO " + ks
                    + ".top_items_per_store_hour (store_id, window_date, window_start, rank, item_name, "
                    + "units, final) VALUES (?, ?, ?, ?, ?, ?, ?)";
            insert(
                    session,
                    top,
                    List.of("Store A", DAY, at("2024-03-01T10:00:00Z"), 3, "Item Two", 1L, false),
                    List.of("Store A", DAY, at("2024-03-01T09:00:00Z"), 2, "Item Two", 4L, true),
                    List.of("Store A", DAY, at("2024-03-01T10:00:00Z"), 1, "Item Three", 5L, false),
                    List.of("Store A", DAY, at("2024-03-01T23:00:00Z"), 1, "Item Two", 8L, false),
                    List.of("Store A", DAY, at("2024-03-01T09:00:00Z"), 1, "Item One", 10L, true),
                    List.of("Store A", DAY, at("2024-03-01T10:00:00Z"), 2, "Item One", 3L, false),
                    List.of("Store A", NEXT_DAY, at("2024-03-02T00:00:00Z"), 1, "Item One", 9L, false),
                    List.of("Store B", DAY, at("2024-03-01T09:00:00Z"), 1, "Item Two", 9L, true));
        }
    }

    private static void insert(CqlSession session, String cql, List<?>... rows) {
        for (List<?> row : rows) {
            session.execute(SimpleStatement.newInstance(cql, row.toArray()));
        }
    }

    private static Instant at(String iso) {
        return Instant.parse(iso);
    }

    // ---------------------------------------------------------------- ViewsReader

    @Test
    void theReaderAnswersEachPatternFromExactlyItsPartition() {
        try (ViewsReader reader = ViewsReader.open(contact, keyspace)) {
            assertThat(reader.keyspace()).isEqualTo(keyspace);
            assertThat(reader.version()).isEqualTo(-1);

            assertThat(reader.sale("it-1"))
                    .contains(new SaleRow("it-1", "Store A", at("2024-03-01T10:15:30.250Z"), DAY, "Item One", 3));
            assertThat(reader.sale("it-404")).isEmpty();

            StoreSaleRow newest = new StoreSaleRow(
                    "Store A", DAY, at("2024-03-01T10:15:30.250Z"), "1-3", "it-2", "Item Two", 1, null);
            StoreSaleRow second = new StoreSaleRow(
                    "Store A", DAY, at("2024-03-01T10:15:30.250Z"), "0-7", "it-1", "Item One", 3, null);
            StoreSaleRow third =
                    new StoreSaleRow("Store A", DAY, at("2024-03-01T10:05:00Z"), "2-4", "it-3", "Item Three", 5, null);
            StoreSaleRow oldest =
                    new StoreSaleRow("Store A", DAY, at("2024-03-01T10:00:00Z"), "0-1", "it-1", "Item One", 2, null);
            assertThat(reader.storeDay("Store A", DAY, 50)).containsExactly(newest, second, third, oldest);
            assertThat(reader.storeDay("Store A", DAY, 2)).containsExactly(newest, second);
            assertThat(reader.storeDay("Store A", LocalDate.parse("2024-02-29"), 50))
                    .isEmpty();

            WindowRow m1000 = new WindowRow(
                    "Store A", at("2024-03-01T10:00:00Z"), at("2024-03-01T10:01:00Z"), 5, 2, true, null, null);
            WindowRow m1001 = new WindowRow(
                    "Store A", at("2024-03-01T10:01:00Z"), at("2024-03-01T10:02:00Z"), 7, 3, true, null, null);
            WindowRow m1002 = new WindowRow(
                    "Store A", at("2024-03-01T10:02:00Z"), at("2024-03-01T10:03:00Z"), 1, 1, false, null, null);
            WindowRow m2359 = new WindowRow(
                    "Store A", at("2024-03-01T23:59:00Z"), at("2024-03-02T00:00:00Z"), 4, 1, false, null, null);
            assertThat(reader.storeMinutes("Store A", DAY)).containsExactly(m1000, m1001, m1002, m2359);
            assertThat(reader.storeMinutes("Store A", DAY, LocalTime.parse("10:01"), LocalTime.parse("10:02")))
                    .containsExactly(m1001);
            assertThat(reader.storeMinutes("Store A", DAY, LocalTime.parse("10:02"), null))
                    .containsExactly(m1002, m2359);

            assertThat(reader.itemHours("Item One", DAY))
                    .containsExactly(
                            new WindowRow(
                                    "Item One",
                                    at("2024-03-01T09:00:00Z"),
                                    at("2024-03-01T10:00:00Z"),
                                    2,
                                    1,
                                    true,
                                    null,
                                    null),
                            new WindowRow(
                                    "Item One",
                                    at("2024-03-01T10:00:00Z"),
                                    at("2024-03-01T11:00:00Z"),
                                    3,
                                    1,
                                    false,
                                    null,
                                    null));

            TopItemRow h09r1 =
                    new TopItemRow("Store A", at("2024-03-01T09:00:00Z"), 1, "Item One", 10, true, null, null);
            TopItemRow h09r2 =
                    new TopItemRow("Store A", at("2024-03-01T09:00:00Z"), 2, "Item Two", 4, true, null, null);
            TopItemRow h10r1 =
                    new TopItemRow("Store A", at("2024-03-01T10:00:00Z"), 1, "Item Three", 5, false, null, null);
            TopItemRow h10r2 =
                    new TopItemRow("Store A", at("2024-03-01T10:00:00Z"), 2, "Item One", 3, false, null, null);
            TopItemRow h10r3 =
                    new TopItemRow("Store A", at("2024-03-01T10:00:00Z"), 3, "Item Two", 1, false, null, null);
            TopItemRow h23r1 =
                    new TopItemRow("Store A", at("2024-03-01T23:00:00Z"), 1, "Item Two", 8, false, null, null);
            assertThat(reader.topItems("Store A", DAY)).containsExactly(h09r1, h09r2, h10r1, h10r2, h10r3, h23r1);
            assertThat(reader.topItems("Store A", DAY, 10)).containsExactly(h10r1, h10r2, h10r3);
            assertThat(reader.topItems("Store A", DAY, 23)).containsExactly(h23r1);
            assertThat(reader.topItems("Store A", DAY, 5)).isEmpty();
        }
    }

    @Test
    void aKeyspaceWithTheEnrichedLogicsColumnsIsReadWithRevenue(TestNamespace ns) {
        String enriched = ns.createEnrichedViewsKeyspace();
        try (CqlSession session = ns.cqlSession()) {
            insert(
                    session,
                    "INSERT INTO " + enriched + ".store_sales_per_minute (store_id, window_date, window_start, "
                            + "window_end, units, events, final, revenue, unpriced_events) VALUES (?, ?, ?, ?, ?, ?, ?, "
                            + "?, ?)",
                    List.of(
                            "Store E",
                            DAY,
                            at("2024-03-01T10:00:00Z"),
                            at("2024-03-01T10:01:00Z"),
                            6L,
                            3L,
                            true,
                            new java.math.BigDecimal("14.850"),
                            1L));
        }
        try (CqlSession session = ns.cqlSession()) {
            insert(
                    session,
                    "INSERT INTO " + enriched + ".sales_by_store_day (store_id, timestamp_dt, timestamp_ms, event_id, "
                            + "item_id, item_name, item_sold, region) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    List.of("Store E", DAY, at("2024-03-01T10:00:05Z"), "0-9", "it-1", "Item One", 2, "North"));
            insert(
                    session,
                    "INSERT INTO " + enriched
                            + ".region_sales_per_hour (region, window_date, window_start, window_end, "
                            + "units, revenue, events, unpriced_events, final) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    List.of(
                            "North",
                            DAY,
                            at("2024-03-01T10:00:00Z"),
                            at("2024-03-01T11:00:00Z"),
                            9L,
                            new java.math.BigDecimal("20.25"),
                            4L,
                            0L,
                            false));
            insert(
                    session,
                    "INSERT INTO " + enriched + ".top_items_per_store_hour (store_id, window_date, window_start, rank, "
                            + "item_name, units, final, category, revenue) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    List.of(
                            "Store E",
                            DAY,
                            at("2024-03-01T10:00:00Z"),
                            1,
                            "Item One",
                            6L,
                            true,
                            "Things",
                            new java.math.BigDecimal("14.850")));
        }
        try (ViewsReader reader = ViewsReader.open(contact, enriched)) {
            assertThat(reader.schema()).isEqualTo(io.salespipeline.contract.ViewSchema.ENRICHED);
            assertThat(reader.regionHours("North", DAY))
                    .containsExactly(new WindowRow(
                            "North",
                            at("2024-03-01T10:00:00Z"),
                            at("2024-03-01T11:00:00Z"),
                            9,
                            4,
                            false,
                            new java.math.BigDecimal("20.25"),
                            0L));
            assertThat(reader.regionHours("South", DAY)).isEmpty();
            assertThat(reader.storeDay("Store E", DAY, 10))
                    .containsExactly(new StoreSaleRow(
                            "Store E", DAY, at("2024-03-01T10:00:05Z"), "0-9", "it-1", "Item One", 2, "North"));
            assertThat(reader.topItems("Store E", DAY))
                    .containsExactly(new TopItemRow(
                            "Store E",
                            at("2024-03-01T10:00:00Z"),
                            1,
                            "Item One",
                            6,
                            true,
                            "Things",
                            new java.math.BigDecimal("14.850")));
            assertThat(reader.storeMinutes("Store E", DAY))
                    .containsExactly(new WindowRow(
                            "Store E",
                            at("2024-03-01T10:00:00Z"),
                            at("2024-03-01T10:01:00Z"),
                            6,
                            3,
                            true,
                            new java.math.BigDecimal("14.850"),
                            1L));
        }
        try (ViewsReader plain = ViewsReader.open(contact, keyspace)) {
            assertThat(plain.schema()).isEqualTo(io.salespipeline.contract.ViewSchema.PLAIN);
            assertThat(plain.itemHours("Item One", DAY))
                    .allSatisfy(row -> assertThat(row.revenue()).isNull());
            assertThatThrownBy(() -> plain.regionHours("North", DAY))
                    .isInstanceOf(io.salespipeline.stack.StackException.class)
                    .hasMessageContaining("plain logic, without regions");
        }
    }

    @Test
    void withoutAnOverrideTheReaderFollowsSalesActiveVersion(TestNamespace ns) {
        Row active;
        try (CqlSession session = ns.cqlSession()) {
            active = session.execute(
                            "SELECT version, keyspace_name FROM sales.active_version WHERE view_name = 'sales'")
                    .one();
        }
        assertThat(active).as("./stack up records an active version").isNotNull();
        try (ViewsReader reader = ViewsReader.open(contact, null)) {
            assertThat(reader.keyspace()).isEqualTo(active.getString("keyspace_name"));
            assertThat(reader.version()).isEqualTo(active.getInt("version"));
        }
    }

    // ---------------------------------------------------------------- ./views, in-process

    private record Run(int exit, String out, String err) {}

    private static Run views(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of(argv));
        args.addAll(List.of("--contact", contact));
        if (!args.contains("--version") && !args.contains("--keyspace")) {
            args.addAll(List.of("--keyspace", keyspace));
        }
        int exit = new ViewsCommand(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        Map.of(),
                        () -> {
                            throw new AssertionError("--contact is given");
                        },
                        Clock.systemUTC())
                .run(args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertTable(Run run, String expected) {
        assertThat(run.err()).isEmpty();
        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo(expected.replace("KS", keyspace));
    }

    private static void assertJson(Run run, String expected) throws Exception {
        assertThat(run.err()).isEmpty();
        assertThat(run.exit()).isZero();
        assertThat(run.out()).endsWith("}\n").doesNotContain("\n{");
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(run.out()))
                .isEqualTo(json.readTree(expected.replace('\'', '"').replace("KS", keyspace)));
    }

    @Test
    void saleAsTableAndJson() throws Exception {
        assertTable(views("sale", "--item", "it-1"), """
                keyspace KS: sale for item 'it-1'
                item_id  store_id  timestamp_ms              timestamp_dt  item_name  item_sold
                it-1     Store A   2024-03-01T10:15:30.250Z  2024-03-01    Item One           3
                (1 row)
                """);
        assertJson(views("sale", "--item", "it-1", "--json"), """
                {'keyspace': 'KS', 'version': null, 'query': {'pattern': 'sale', 'item_id': 'it-1'}, 'rows': [
                  {'item_id': 'it-1', 'store_id': 'Store A', 'timestamp_ms': '2024-03-01T10:15:30.250Z', 'timestamp_dt': '2024-03-01',
                   'item_name': 'Item One', 'item_sold': 3}]}
                """);
    }

    @Test
    void storeDayAsTableAndJson() throws Exception {
        assertTable(views("store-day", "--store", "Store A", "--day", "2024-03-01", "--limit", "3"), """
                keyspace KS: store-day for store 'Store A' on 2024-03-01
                store_id  timestamp_dt  timestamp_ms              event_id  item_id  item_name   item_sold
                Store A   2024-03-01    2024-03-01T10:15:30.250Z  1-3       it-2     Item Two            1
                Store A   2024-03-01    2024-03-01T10:15:30.250Z  0-7       it-1     Item One            3
                Store A   2024-03-01    2024-03-01T10:05:00Z      2-4       it-3     Item Three          5
                (3 rows)
                """);
        assertJson(views("store-day", "--store", "Store A", "--day", "2024-03-01", "--json"), """
                {'keyspace': 'KS', 'version': null,
                 'query': {'pattern': 'store-day', 'store_id': 'Store A', 'timestamp_dt': '2024-03-01', 'limit': 50}, 'rows': [
                  {'store_id': 'Store A', 'timestamp_dt': '2024-03-01', 'timestamp_ms': '2024-03-01T10:15:30.250Z', 'event_id': '1-3',
                   'item_id': 'it-2', 'item_name': 'Item Two', 'item_sold': 1},
                  {'store_id': 'Store A', 'timestamp_dt': '2024-03-01', 'timestamp_ms': '2024-03-01T10:15:30.250Z', 'event_id': '0-7',
                   'item_id': 'it-1', 'item_name': 'Item One', 'item_sold': 3},
                  {'store_id': 'Store A', 'timestamp_dt': '2024-03-01', 'timestamp_ms': '2024-03-01T10:05:00Z', 'event_id': '2-4',
                   'item_id': 'it-3', 'item_name': 'Item Three', 'item_sold': 5},
                  {'store_id': 'Store A', 'timestamp_dt': '2024-03-01', 'timestamp_ms': '2024-03-01T10:00:00Z', 'event_id': '0-1',
                   'item_id': 'it-1', 'item_name': 'Item One', 'item_sold': 2}]}
                """);
    }

    @Test
    void storeMinutesAsTableAndJson() throws Exception {
        assertTable(views("store-minutes", "--store", "Store A", "--day", "2024-03-01"), """
                keyspace KS: store-minutes for store 'Store A' on 2024-03-01
                store_id  window_date  window_start          window_end            units  events  final
                Store A   2024-03-01   2024-03-01T10:00:00Z  2024-03-01T10:01:00Z      5       2  true
                Store A   2024-03-01   2024-03-01T10:01:00Z  2024-03-01T10:02:00Z      7       3  true
                Store A   2024-03-01   2024-03-01T10:02:00Z  2024-03-01T10:03:00Z      1       1  false
                Store A   2024-03-01   2024-03-01T23:59:00Z  2024-03-02T00:00:00Z      4       1  false
                (4 rows)
                """);
        assertJson(
                views(
                        "store-minutes",
                        "--store",
                        "Store A",
                        "--day",
                        "2024-03-01",
                        "--from",
                        "10:01",
                        "--to",
                        "10:03",
                        "--json"),
                """
                {'keyspace': 'KS', 'version': null,
                 'query': {'pattern': 'store-minutes', 'store_id': 'Store A', 'window_date': '2024-03-01', 'from': '10:01', 'to': '10:03'},
                 'rows': [
                  {'store_id': 'Store A', 'window_date': '2024-03-01', 'window_start': '2024-03-01T10:01:00Z', 'window_end': '2024-03-01T10:02:00Z',
                   'units': 7, 'events': 3, 'final': true},
                  {'store_id': 'Store A', 'window_date': '2024-03-01', 'window_start': '2024-03-01T10:02:00Z', 'window_end': '2024-03-01T10:03:00Z',
                   'units': 1, 'events': 1, 'final': false}]}
                """);
    }

    @Test
    void itemHoursAsTableAndJson() throws Exception {
        assertTable(views("item-hours", "--item-name", "Item One", "--day", "2024-03-01"), """
                keyspace KS: item-hours for item name 'Item One' on 2024-03-01
                item_name  window_date  window_start          window_end            units  events  final
                Item One   2024-03-01   2024-03-01T09:00:00Z  2024-03-01T10:00:00Z      2       1  true
                Item One   2024-03-01   2024-03-01T10:00:00Z  2024-03-01T11:00:00Z      3       1  false
                (2 rows)
                """);
        assertJson(views("item-hours", "--item-name", "Item One", "--day", "2024-03-01", "--json"), """
                {'keyspace': 'KS', 'version': null, 'query': {'pattern': 'item-hours', 'item_name': 'Item One', 'window_date': '2024-03-01'},
                 'rows': [
                  {'item_name': 'Item One', 'window_date': '2024-03-01', 'window_start': '2024-03-01T09:00:00Z', 'window_end': '2024-03-01T10:00:00Z',
                   'units': 2, 'events': 1, 'final': true},
                  {'item_name': 'Item One', 'window_date': '2024-03-01', 'window_start': '2024-03-01T10:00:00Z', 'window_end': '2024-03-01T11:00:00Z',
                   'units': 3, 'events': 1, 'final': false}]}
                """);
    }

    @Test
    void topItemsAsTableAndJson() throws Exception {
        assertTable(views("top-items", "--store", "Store A", "--day", "2024-03-01"), """
                keyspace KS: top-items for store 'Store A' on 2024-03-01
                store_id  window_date  window_start          rank  item_name   units  final
                Store A   2024-03-01   2024-03-01T09:00:00Z     1  Item One       10  true
                Store A   2024-03-01   2024-03-01T09:00:00Z     2  Item Two        4  true
                Store A   2024-03-01   2024-03-01T10:00:00Z     1  Item Three      5  false
                Store A   2024-03-01   2024-03-01T10:00:00Z     2  Item One        3  false
                Store A   2024-03-01   2024-03-01T10:00:00Z     3  Item Two        1  false
                Store A   2024-03-01   2024-03-01T23:00:00Z     1  Item Two        8  false
                (6 rows)
                """);
        assertJson(views("top-items", "--store", "Store A", "--day", "2024-03-01", "--hour", "9", "--json"), """
                {'keyspace': 'KS', 'version': null, 'query': {'pattern': 'top-items', 'store_id': 'Store A', 'window_date': '2024-03-01', 'hour': 9},
                 'rows': [
                  {'store_id': 'Store A', 'window_date': '2024-03-01', 'window_start': '2024-03-01T09:00:00Z', 'rank': 1, 'item_name': 'Item One',
                   'units': 10, 'final': true},
                  {'store_id': 'Store A', 'window_date': '2024-03-01', 'window_start': '2024-03-01T09:00:00Z', 'rank': 2, 'item_name': 'Item Two',
                   'units': 4, 'final': true}]}
                """);
    }

    @Test
    void anUnknownStoreOrItemIsAnEmptyResultWithANoteAndExit0() throws Exception {
        Run table = views("store-day", "--store", "Nowhere", "--day", "2024-03-01");
        assertThat(table.exit()).isZero();
        assertThat(table.out())
                .isEqualTo("keyspace " + keyspace + ": store-day for store 'Nowhere' on 2024-03-01\n"
                        + "store_id  timestamp_dt  timestamp_ms  event_id  item_id  item_name  item_sold\n(0 rows)\n");
        assertThat(table.err()).isEqualTo("no rows for store 'Nowhere' on 2024-03-01 in " + keyspace + "\n");

        Run json = views("top-items", "--store", "Nowhere", "--day", "2024-03-01", "--json");
        assertThat(json.exit()).isZero();
        assertThat(new ObjectMapper().readTree(json.out()).get("rows").isEmpty())
                .isTrue();
        assertThat(json.err()).isEqualTo("no rows for store 'Nowhere' on 2024-03-01 in " + keyspace + "\n");

        Run sale = views("sale", "--item", "it-404");
        assertThat(sale.exit()).isZero();
        assertThat(sale.err()).isEqualTo("no rows for item 'it-404' in " + keyspace + "\n");

        Run hours = views("item-hours", "--item-name", "Item One", "--day", "2024-03-02", "--json");
        assertThat(hours.exit()).isZero();
        assertThat(hours.out()).contains("\"rows\":[{\"item_name\":\"Item One\",\"window_date\":\"2024-03-02\"");
        assertThat(hours.err()).isEmpty();
    }

    @Test
    void aKeyspaceWithoutViewsIsOneLineWithExit1() {
        Run missing = views("sale", "--item", "it-1", "--version", "999999");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.out()).isEmpty();
        assertThat(missing.err())
                .isEqualTo("views: keyspace sales_v999999 does not exist (./replay status lists the view versions)\n");

        Run notViews = views("sale", "--item", "it-1", "--keyspace", "system_schema");
        assertThat(notViews.exit()).isEqualTo(1);
        assertThat(notViews.err())
                .startsWith("views: keyspace system_schema does not hold the views of cql/10-views.cql: ")
                .hasLineCount(1);
    }
}
