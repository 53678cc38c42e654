package io.salespipeline.stack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.salespipeline.contract.ViewSchema;
import io.salespipeline.stack.views.ViewsReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ./views without Cassandra: argument checking, where it connects, and the table and JSON formats. */
class ViewsCommandTest {

    // Late evening UTC, already the next day east of UTC: "today" must be the UTC day.
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-03-01T23:30:00Z"), ZoneId.of("Asia/Tokyo"));
    /** Nothing listens on port 1, so connecting fails at once. */
    private static final String NOTHING_THERE = "127.0.0.1:1";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Map<String, String> environment = new HashMap<>();
    private final List<String> localContactLookups = new ArrayList<>();
    private String localContact = NOTHING_THERE;

    private ViewsCommand command() {
        return new ViewsCommand(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                environment,
                () -> {
                    localContactLookups.add(localContact);
                    return localContact;
                },
                CLOCK);
    }

    private int run(String... argv) {
        return command().run(List.of(argv));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpPrintsTheUsageAndNoArgumentsIsAUsageError() {
        assertThat(run("help")).isZero();
        assertThat(out()).isEqualTo(ViewsCommand.USAGE + "\n");
        assertThat(run("store-day", "--help")).isZero();
        out.reset();
        assertThat(run()).isEqualTo(2);
        assertThat(out()).startsWith("usage: ./views <pattern> [options]");
        assertThat(ViewsCommand.USAGE)
                .contains(
                        "sale --item ITEM_ID",
                        "store-day --store STORE_ID",
                        "store-minutes --store STORE_ID",
                        "item-hours --item-name NAME",
                        "top-items --store STORE_ID",
                        "region-hours --region REGION",
                        "--json",
                        "--contact HOST:PORT",
                        "--keyspace",
                        "--version N");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            bogus --store S                                 | unknown read pattern 'bogus' (patterns: sale, store-day, store-minutes, item-hours, top-items, region-hours; ./views help)
            store-day --store S --bogus 1                   | unknown option --bogus (known: --contact, --day, --json, --keyspace, --limit, --store, --version)
            sale --item x --limit 5                         | unknown option --limit (known: --contact, --item, --json, --keyspace, --version)
            store-day --store S --day 2024-13-01            | --day expects a date YYYY-MM-DD, got '2024-13-01'
            store-day --store S --day 2024-02-30            | --day expects a date YYYY-MM-DD, got '2024-02-30'
            store-day --store S --day 01/03/2024            | --day expects a date YYYY-MM-DD, got '01/03/2024'
            store-day --day 2024-03-01                      | store-day needs --store STORE_ID
            sale                                            | sale needs --item ITEM_ID
            item-hours --item-name                          | option --item-name needs a value
            store-day --store S --limit 0                   | --limit must be positive, got 0
            store-day --store S --limit lots                | option --limit expects a whole number, got 'lots'
            store-minutes --store S --from 25:00            | --from expects a UTC time HH:MM, got '25:00'
            store-minutes --store S --to 9:30               | --to expects a UTC time HH:MM, got '9:30'
            store-minutes --store S --from 10:00 --to 10:00 | --from 10:00 must be before --to 10:00
            top-items --store S --hour 24                   | --hour must be 0-23 (UTC), got 24
            region-hours --day 2024-03-01                   | region-hours needs --region REGION
            region-hours --region R --store S               | unknown option --store (known: --contact, --day, --json, --keyspace, --region, --version)
            sale --item x --keyspace k --version 2          | --keyspace and --version both choose what to read: give one
            sale --item x --version 0                       | --version must be positive, got 0
            sale --item x --keyspace sales_v1;drop          | not a keyspace name: 'sales_v1;drop' (letters, digits and _, starting with a letter)
            sale --item x --json extra                      | unexpected argument 'extra' (options are named, see ./views help)
            sale --item x --contact nohost                  | expected host:port, got 'nohost'
            """)
    void badArgumentsAreOneLineWithExit2AndNeverConnect(String commandLine, String message) {
        assertThat(run(commandLine.split(" "))).isEqualTo(2);
        assertThat(err()).isEqualTo("views: " + message + "\n");
        assertThat(out()).isEmpty();
        assertThat(localContactLookups).isEmpty();
    }

    @Test
    void noCassandraIsOneLineWithExit1() {
        assertThat(run("store-day", "--store", "S", "--contact", NOTHING_THERE)).isEqualTo(1);
        assertThat(err())
                .isEqualTo("views: no Cassandra answers at 127.0.0.1:1 (pass --contact or CASSANDRA_CONTACT; is "
                        + "the stack up? ./stack status)\n");
        assertThat(out()).isEmpty();
    }

    @Test
    void theContactComesFromTheOptionThenTheEnvironmentThenTheLocalStack() {
        environment.put("CASSANDRA_CONTACT", "127.0.0.1:2");
        localContact = "127.0.0.1:3";
        assertThat(command()
                        .parse(List.of("sale", "--item", "x", "--contact", "127.0.0.1:1"))
                        .contact())
                .isEqualTo("127.0.0.1:1");
        assertThat(command().parse(List.of("sale", "--item", "x")).contact()).isEqualTo("127.0.0.1:2");
        assertThat(localContactLookups).isEmpty();
        environment.put("CASSANDRA_CONTACT", " ");
        assertThat(command().parse(List.of("sale", "--item", "x")).contact()).isEqualTo("127.0.0.1:3");
        assertThat(localContactLookups).containsExactly("127.0.0.1:3");
    }

    @Test
    void theKeyspaceIsTheActiveVersionUnlessChosen() {
        assertThat(command().parse(List.of("sale", "--item", "x")).keyspace()).isNull();
        assertThat(command()
                        .parse(List.of("sale", "--item", "x", "--version", "3"))
                        .keyspace())
                .isEqualTo("sales_v3");
        // unquoted CQL names are case-insensitive: Sales_V2 is sales_v2
        assertThat(command()
                        .parse(List.of("sale", "--item", "x", "--keyspace", "Sales_V2"))
                        .keyspace())
                .isEqualTo("sales_v2");
    }

    @Test
    void theDayDefaultsToTodayInUtcAndEachPatternEchoesItsQuery() {
        assertThat(command()
                        .parse(List.of("store-day", "--store", "Store 1"))
                        .request()
                        .query())
                .containsExactly(
                        Map.entry("pattern", "store-day"),
                        Map.entry("store_id", "Store 1"),
                        Map.entry("timestamp_dt", "2024-03-01"),
                        Map.entry("limit", 50));
        assertThat(command()
                        .parse(List.of(
                                "store-minutes",
                                "--store",
                                "Store 1",
                                "--day",
                                "2023-11-14",
                                "--from",
                                "09:05",
                                "--to",
                                "10:00"))
                        .request())
                .satisfies(r -> assertThat(r.query())
                        .containsExactly(
                                Map.entry("pattern", "store-minutes"),
                                Map.entry("store_id", "Store 1"),
                                Map.entry("window_date", "2023-11-14"),
                                Map.entry("from", "09:05"),
                                Map.entry("to", "10:00")))
                .satisfies(r -> assertThat(r.subject()).isEqualTo("store 'Store 1' on 2023-11-14 from 09:05 to 10:00"))
                .satisfies(r -> assertThat(r.columns()).isEqualTo(ViewsCommand.STORE_SALES_PER_MINUTE));
        assertThat(command().parse(List.of("top-items", "--store", "S", "--hour", "7", "--json")))
                .satisfies(i -> assertThat(i.json()).isTrue())
                .satisfies(i -> assertThat(i.request().subject()).isEqualTo("store 'S' on 2024-03-01 at hour 07"))
                .satisfies(i -> assertThat(i.request().query()).containsEntry("hour", 7));
        assertThat(command()
                        .parse(List.of("item-hours", "--item-name", "Item 7"))
                        .request()
                        .subject())
                .isEqualTo("item name 'Item 7' on 2024-03-01");
        assertThat(command()
                        .parse(List.of("region-hours", "--region", "North-West", "--day", "2024-03-02"))
                        .request())
                .satisfies(r -> assertThat(r.subject()).isEqualTo("region 'North-West' on 2024-03-02"))
                .satisfies(r -> assertThat(r.query())
                        .containsExactly(
                                Map.entry("pattern", "region-hours"),
                                Map.entry("region", "North-West"),
                                Map.entry("window_date", "2024-03-02")))
                .satisfies(r -> assertThat(r.columns(ViewSchema.ENRICHED))
                        .startsWith("region", "window_date")
                        .endsWith("final", "revenue", "unpriced_events"));
        assertThat(command().parse(List.of("sale", "--item", "it-1")).request().subject())
                .isEqualTo("item 'it-1'");
    }

    @Test
    void theVersionIsReadOnlyFromSalesVnKeyspaces() {
        assertThat(ViewsReader.versionOf("sales_v1")).isEqualTo(1);
        assertThat(ViewsReader.versionOf("sales_v12")).isEqualTo(12);
        assertThat(ViewsReader.versionOf("sales_v01")).isEqualTo(-1);
        assertThat(ViewsReader.versionOf("sales_v")).isEqualTo(-1);
        assertThat(ViewsReader.versionOf("sales")).isEqualTo(-1);
        assertThat(ViewsReader.versionOf("t_viewsreaderit_1a2b")).isEqualTo(-1);
    }

    // ---------------------------------------------------------------- formats

    private static final ViewsReader.WindowRow EARLY = new ViewsReader.WindowRow(
            "Store 1",
            Instant.parse("2024-03-01T23:59:00Z"),
            Instant.parse("2024-03-02T00:00:00Z"),
            12345,
            7,
            false,
            new BigDecimal("61098.75"),
            2L);
    private static final ViewsReader.WindowRow CLOSED = new ViewsReader.WindowRow(
            "Store 1",
            Instant.parse("2024-03-01T10:00:00Z"),
            Instant.parse("2024-03-01T10:01:00Z"),
            5,
            2,
            true,
            new BigDecimal("24.75"),
            0L);

    private static ViewsCommand.Request minutes(String subject) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("pattern", "store-minutes");
        query.put("store_id", "Store 1");
        query.put("window_date", "2024-03-01");
        return new ViewsCommand.Request(
                "store-minutes", query, subject, ViewsCommand.STORE_SALES_PER_MINUTE, r -> List.of());
    }

    @Test
    void aTableHasAHeaderAlignedColumnsWithNumbersOnTheRightAndARowCount() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        ViewsCommand.Request request = minutes("store 'Store 1' on 2024-03-01");
        ViewsCommand.printTable(
                new PrintStream(buffer, true, StandardCharsets.UTF_8),
                ViewsCommand.header("sales_v2", 2, true, request),
                request.columns(ViewSchema.PLAIN),
                List.of(ViewsCommand.cells(CLOSED, ViewSchema.PLAIN), ViewsCommand.cells(EARLY, ViewSchema.PLAIN)));

        assertThat(buffer.toString(StandardCharsets.UTF_8)).isEqualTo("""
                keyspace sales_v2, view version 2 (active): store-minutes for store 'Store 1' on 2024-03-01
                store_id  window_date  window_start          window_end            units  events  final
                Store 1   2024-03-01   2024-03-01T10:00:00Z  2024-03-01T10:01:00Z      5       2  true
                Store 1   2024-03-01   2024-03-01T23:59:00Z  2024-03-02T00:00:00Z  12345       7  false
                (2 rows)
                """);
    }

    @Test
    void aKeyspaceOfTheEnrichedLogicShowsRevenueAndUnpricedSalesAfterTheWindowColumns() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        ViewsCommand.Request request = minutes("store 'Store 1' on 2024-03-01");
        ViewsCommand.printTable(
                new PrintStream(buffer, true, StandardCharsets.UTF_8),
                ViewsCommand.header("sales_v3", 3, false, request),
                request.columns(ViewSchema.ENRICHED),
                List.of(
                        ViewsCommand.cells(CLOSED, ViewSchema.ENRICHED),
                        ViewsCommand.cells(EARLY, ViewSchema.ENRICHED)));

        assertThat(buffer.toString(StandardCharsets.UTF_8)).isEqualTo("""
                keyspace sales_v3, view version 3: store-minutes for store 'Store 1' on 2024-03-01
                store_id  window_date  window_start          window_end            units  events  final   revenue  unpriced_events
                Store 1   2024-03-01   2024-03-01T10:00:00Z  2024-03-01T10:01:00Z      5       2  true      24.75                0
                Store 1   2024-03-01   2024-03-01T23:59:00Z  2024-03-02T00:00:00Z  12345       7  false  61098.75                2
                (2 rows)
                """);
        assertThat(new ViewsCommand.Request("sale", Map.of(), "x", ViewsCommand.ITEM_SALES, r -> List.of())
                        .columns(ViewSchema.ENRICHED))
                .as("only the window views have the columns")
                .isEqualTo(ViewsCommand.ITEM_SALES);
    }

    @Test
    void anEmptyTableStillNamesItsColumnsAndAnOtherKeyspaceHasNoVersion() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        ViewsCommand.Request request = minutes("store 'Nowhere' on 2024-03-01");
        ViewsCommand.printTable(
                new PrintStream(buffer, true, StandardCharsets.UTF_8),
                ViewsCommand.header("t_test", -1, false, request),
                request.columns(ViewSchema.PLAIN),
                List.of());

        assertThat(buffer.toString(StandardCharsets.UTF_8)).isEqualTo("""
                keyspace t_test: store-minutes for store 'Nowhere' on 2024-03-01
                store_id  window_date  window_start  window_end  units  events  final
                (0 rows)
                """);
    }

    @Test
    void jsonHasTheColumnNamesAsKeysTypedValuesAndIsoTimes() throws Exception {
        ViewsReader.SaleRow sale = new ViewsReader.SaleRow(
                "it-1", "Store 1", Instant.parse("2024-03-01T10:15:30.250Z"), LocalDate.parse("2024-03-01"), null, 3);
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("pattern", "sale");
        query.put("item_id", "it-1");
        ViewsCommand.Request request =
                new ViewsCommand.Request("sale", query, "item 'it-1'", ViewsCommand.ITEM_SALES, r -> List.of());

        String json = ViewsCommand.json(
                "sales_v2", 2, request.columns(ViewSchema.ENRICHED), request, List.of(ViewsCommand.cells(sale)));

        assertThat(json)
                .isEqualTo(
                        "{\"keyspace\":\"sales_v2\",\"version\":2,\"query\":{\"pattern\":\"sale\",\"item_id\":\"it-1\"},"
                                + "\"rows\":[{\"item_id\":\"it-1\",\"store_id\":\"Store "
                                + "1\",\"timestamp_ms\":\"2024-03-01T10:15:30.250Z\","
                                + "\"timestamp_dt\":\"2024-03-01\",\"item_name\":null,\"item_sold\":3}]}");
        ViewsCommand.Request windows = minutes("x");
        JsonNode window = new ObjectMapper()
                .readTree(ViewsCommand.json(
                        "t_test",
                        -1,
                        windows.columns(ViewSchema.ENRICHED),
                        windows,
                        List.of(ViewsCommand.cells(EARLY, ViewSchema.ENRICHED))));
        assertThat(window.get("version").isNull()).isTrue();
        assertThat(window.at("/rows/0/units").isIntegralNumber()).isTrue();
        assertThat(window.at("/rows/0/final").isBoolean()).isTrue();
        assertThat(window.at("/rows/0/window_date").asText()).isEqualTo("2024-03-01");
        assertThat(window.at("/rows/0/revenue").decimalValue()).isEqualByComparingTo("61098.75");
        assertThat(window.at("/rows/0/unpriced_events").asLong()).isEqualTo(2L);
    }

    @Test
    void rowsBecomeCellsInTheViewsColumnOrder() {
        Instant at = Instant.parse("2024-03-01T10:00:00Z");
        assertThat(ViewsCommand.cells(
                        new ViewsReader.StoreSaleRow(
                                "S", LocalDate.parse("2024-03-01"), at, "0-7", "it-1", "Item 1", 2, null),
                        ViewSchema.PLAIN))
                .hasSameSizeAs(ViewsCommand.SALES_BY_STORE_DAY)
                .containsExactly("S", LocalDate.parse("2024-03-01"), at, "0-7", "it-1", "Item 1", 2);
        ViewsCommand.Request storeDay =
                new ViewsCommand.Request("store-day", Map.of(), "x", ViewsCommand.SALES_BY_STORE_DAY, r -> List.of());
        assertThat(ViewsCommand.cells(
                        new ViewsReader.StoreSaleRow(
                                "S", LocalDate.parse("2024-03-01"), at, "0-7", "it-1", "Item 1", 2, "North-West"),
                        ViewSchema.ENRICHED))
                .as("the enriched store-day column follows item_sold")
                .hasSameSizeAs(storeDay.columns(ViewSchema.ENRICHED))
                .containsExactly("S", LocalDate.parse("2024-03-01"), at, "0-7", "it-1", "Item 1", 2, "North-West");
        assertThat(storeDay.columns(ViewSchema.ENRICHED)).endsWith("item_sold", "region");
        assertThat(ViewsCommand.cells(
                        new ViewsReader.TopItemRow("S", at, 1, "Item 1", 40L, true, null, null), ViewSchema.PLAIN))
                .hasSameSizeAs(ViewsCommand.TOP_ITEMS_PER_STORE_HOUR)
                .containsExactly("S", LocalDate.parse("2024-03-01"), at, 1, "Item 1", 40L, true);
        ViewsCommand.Request topItems = new ViewsCommand.Request(
                "top-items", Map.of(), "x", ViewsCommand.TOP_ITEMS_PER_STORE_HOUR, r -> List.of());
        assertThat(ViewsCommand.cells(
                        new ViewsReader.TopItemRow(
                                "S", at, 1, "Item 1", 40L, true, "Tableware", new BigDecimal("198.00")),
                        ViewSchema.ENRICHED))
                .as("the enriched ranking columns follow final")
                .hasSameSizeAs(topItems.columns(ViewSchema.ENRICHED))
                .containsExactly(
                        "S",
                        LocalDate.parse("2024-03-01"),
                        at,
                        1,
                        "Item 1",
                        40L,
                        true,
                        "Tableware",
                        new BigDecimal("198.00"));
        assertThat(topItems.columns(ViewSchema.ENRICHED)).endsWith("final", "category", "revenue");
        assertThat(ViewsCommand.cells(
                        new ViewsReader.WindowRow("Item 1", at, at.plusSeconds(3600), 9, 4, false, null, null),
                        ViewSchema.PLAIN))
                .hasSameSizeAs(ViewsCommand.ITEM_SALES_PER_HOUR)
                .isEqualTo(Arrays.asList(
                        "Item 1", LocalDate.parse("2024-03-01"), at, at.plusSeconds(3600), 9L, 4L, false));
    }
}
