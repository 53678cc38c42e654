package io.salespipeline.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every view's upsert writes a table of {@code cql/} and exactly its columns (and, for the frozen
 * sale, exactly the fields of its type); every read names only its table's columns and reads one
 * partition, for the plain logic's schema and for the enriched one's. The real server's check is the job's
 * submission-time prepare (ViewKeyspaceCheck) and ItemSalesTiesIT; this one needs no Cassandra.
 */
class ViewStatementsTest {

    private static final Pattern UPSERT = Pattern.compile(
            "INSERT INTO sales_v1\\.(\\w+) \\(([^)]*)\\) VALUES \\((.*)\\) USING TTL \\? AND TIMESTAMP \\?");

    @Test
    void everyUpsertWritesEveryColumnOfItsTableAndNoOther() throws Exception {
        String cql = Files.readString(Path.of("..", "cql", "10-views.cql"));
        List<String> tables = new ArrayList<>();
        for (String upsert : ViewStatements.upserts("sales_v1", ViewSchema.PLAIN)) {
            Matcher m = UPSERT.matcher(upsert);
            assertThat(m.matches()).as(upsert).isTrue();
            tables.add(m.group(1));
            assertThat(Set.of(m.group(2).split(", ")))
                    .as(m.group(1))
                    .isEqualTo(columns(cql, "10-views.cql", "TABLE", m.group(1)));
        }
        assertThat(tables).containsExactlyElementsOf(tableNames(ViewSchema.PLAIN));

        Matcher sale = Pattern.compile("\\{([^}]*)}").matcher(ViewStatements.itemSales("sales_v1"));
        assertThat(sale.find()).isTrue();
        Set<String> fields = new LinkedHashSet<>();
        for (String field : sale.group(1).split(", ")) {
            fields.add(field.substring(0, field.indexOf(':')));
        }
        assertThat(fields).isEqualTo(columns(cql, "10-views.cql", "TYPE", "latest_sale"));
        assertThat(new ArrayList<>(fields).get(0))
                .as("the log position leads the sale: it decides ties byte by byte")
                .isEqualTo("log_position");
    }

    private static final Pattern ADDED_COLUMN =
            Pattern.compile("ALTER TABLE sales_v1\\.(\\w+) ADD IF NOT EXISTS (\\w+) \\w+;");

    @Test
    void theEnrichedUpsertsWriteThePlainColumnsAndWhatTheEnrichedSchemaFileAdds() throws Exception {
        List<String> tables = new ArrayList<>();
        for (String upsert : ViewStatements.upserts("sales_v1", ViewSchema.ENRICHED)) {
            Matcher m = UPSERT.matcher(upsert);
            assertThat(m.matches()).as(upsert).isTrue();
            tables.add(m.group(1));
            Set<String> expected = enrichedColumns(m.group(1));
            assertThat(Set.of(m.group(2).split(", "))).as(m.group(1)).isEqualTo(expected);
            if (!m.group(3).contains("{")) {
                assertThat(m.group(3).split(", "))
                        .as("one marker per column: " + upsert)
                        .hasSize(expected.size());
            }
        }
        assertThat(tables).containsExactlyElementsOf(tableNames(ViewSchema.ENRICHED));
        assertThat(tables)
                .as("the enriched logic adds a view")
                .hasSizeGreaterThan(tableNames(ViewSchema.PLAIN).size());
    }

    /** The name of the one schema file that only the enriched logic applies. */
    private static String enrichedFile() throws Exception {
        String enrichedFile;
        try (java.util.stream.Stream<Path> files = Files.list(Path.of("..", "cql"))) {
            enrichedFile = files.map(p -> p.getFileName().toString())
                    .filter(name -> !ViewSchema.PLAIN.includes(name))
                    .findFirst()
                    .orElseThrow();
        }
        assertThat(ViewSchema.ENRICHED.includes(enrichedFile)).isTrue();
        assertThat(ViewSchema.PLAIN.includes("10-views.cql")).isTrue();
        return enrichedFile;
    }

    /**
     * A table's columns under the enriched schema: those of {@code 10-views.cql} and what the enriched file adds
     * to them, or those the enriched file creates it with.
     */
    private static Set<String> enrichedColumns(String table) throws Exception {
        String plain = Files.readString(Path.of("..", "cql", "10-views.cql"));
        String enrichedFile = enrichedFile();
        String enriched = Files.readString(Path.of("..", "cql", enrichedFile));
        if (!plain.contains("sales_v1." + table + " (")) {
            return columns(enriched, enrichedFile, "TABLE", table);
        }
        Set<String> expected = new LinkedHashSet<>(columns(plain, "10-views.cql", "TABLE", table));
        Matcher added = ADDED_COLUMN.matcher(enriched);
        while (added.find()) {
            if (added.group(1).equals(table)) {
                expected.add(added.group(2));
            }
        }
        return expected;
    }

    private static List<String> tableNames(ViewSchema schema) {
        return schema.tables().stream().map(ViewTable::table).toList();
    }

    @Test
    void theSchemaOfALogicIsReadFromItsJobSettings() {
        assertThat(ViewSchema.of(List.of())).isEqualTo(ViewSchema.PLAIN);
        assertThat(ViewSchema.of(List.of("--enrichment", "true"))).isEqualTo(ViewSchema.ENRICHED);
        assertThat(ViewSchema.of(List.of("--enrichment", "TRUE", "--window.early-firing", "2s")))
                .isEqualTo(ViewSchema.ENRICHED);
        assertThat(ViewSchema.of(List.of("--enrichment", "true", "--enrichment", "false")))
                .isEqualTo(ViewSchema.PLAIN);
        assertThat(ViewSchema.of(List.of("--kafka.topic", "enrichment", "--top.n", "true")))
                .isEqualTo(ViewSchema.PLAIN);
    }

    private static final Pattern QUERY = Pattern.compile("SELECT (.*) FROM sales_v1\\.(\\w+) WHERE (.*)");

    @Test
    void everyPlainReadNamesOnlyColumnsOfItsTableAndRestrictsItsWholePartitionKey() throws Exception {
        String cql = Files.readString(Path.of("..", "cql", "10-views.cql"));
        List<String> queries = List.of(
                ViewQueries.sale("sales_v1"),
                ViewQueries.storeDay("sales_v1", ViewSchema.PLAIN),
                ViewQueries.storeMinutes("sales_v1", ViewSchema.PLAIN),
                ViewQueries.itemHours("sales_v1", ViewSchema.PLAIN),
                ViewQueries.topItems("sales_v1", ViewSchema.PLAIN));
        Set<String> tablesRead = new LinkedHashSet<>();
        for (String query : queries) {
            tablesRead.add(checkRead(query, cql, table -> columns(cql, "10-views.cql", "TABLE", table)));
        }
        assertThat(tablesRead).containsExactlyElementsOf(tableNames(ViewSchema.PLAIN));
    }

    @Test
    void everyEnrichedReadNamesOnlyColumnsOfItsTableAndRestrictsItsWholePartitionKey() throws Exception {
        String cql = Files.readString(Path.of("..", "cql", "10-views.cql"))
                + Files.readString(Path.of("..", "cql", enrichedFile()));
        List<String> queries = List.of(
                ViewQueries.storeDay("sales_v1", ViewSchema.ENRICHED),
                ViewQueries.storeMinutes("sales_v1", ViewSchema.ENRICHED),
                ViewQueries.itemHours("sales_v1", ViewSchema.ENRICHED),
                ViewQueries.topItems("sales_v1", ViewSchema.ENRICHED),
                ViewQueries.regionHours("sales_v1"));
        for (String query : queries) {
            assertThat(checkRead(query, cql, ViewStatementsTest::enrichedColumns))
                    .isIn(tableNames(ViewSchema.ENRICHED));
        }
        assertThat(ViewQueries.topItems("sales_v1", ViewSchema.ENRICHED)).contains("category", "revenue");
        assertThat(ViewQueries.storeDay("sales_v1", ViewSchema.ENRICHED)).contains("item_sold, region FROM");
    }

    private interface TableColumns {
        Set<String> of(String table) throws Exception;
    }

    /** Checks one read against the schema in {@code cql} and returns the table it reads. */
    private static String checkRead(String query, String cql, TableColumns tableColumns) throws Exception {
        String plain = Files.readString(Path.of("..", "cql", "10-views.cql"));
        Set<String> saleFields = columns(plain, "10-views.cql", "TYPE", "latest_sale");
        Matcher m = QUERY.matcher(query);
        assertThat(m.matches()).as(query).isTrue();
        String table = m.group(2);
        Set<String> columns = tableColumns.of(table);
        for (String selected : m.group(1).split(", ")) {
            String column = selected.split(" AS ")[0];
            if (column.contains(".")) {
                assertThat(column.substring(0, column.indexOf('.'))).as(query).isIn(columns);
                assertThat(column.substring(column.indexOf('.') + 1)).as(query).isIn(saleFields);
            } else {
                assertThat(column).as(query).isIn(columns);
            }
        }
        Matcher restricted = Pattern.compile("(\\w+) (?:=|>=|<) \\?").matcher(m.group(3));
        Set<String> where = new LinkedHashSet<>();
        while (restricted.find()) {
            where.add(restricted.group(1));
        }
        assertThat(columns).as(query).containsAll(where);
        assertThat(where).as(query + ": one partition per read").containsAll(partitionKey(cql, table));
        return table;
    }

    /** The partition key of {@code PRIMARY KEY ((a, b), c)}, {@code PRIMARY KEY (a, c)} or {@code a text PRIMARY KEY}. */
    private static List<String> partitionKey(String cql, String table) {
        Matcher block = Pattern.compile(
                        "CREATE TABLE IF NOT EXISTS sales_v1\\." + table + " \\((.*?)\\n\\);", Pattern.DOTALL)
                .matcher(cql);
        assertThat(block.find()).as(table + " in cql/").isTrue();
        Matcher key = Pattern.compile("PRIMARY KEY \\((\\([^)]*\\)|\\w+)").matcher(block.group(1));
        if (key.find()) {
            return List.of(key.group(1).replaceAll("[()]", "").split(",\\s*"));
        }
        Matcher inline = Pattern.compile("(?m)^\\s*(\\w+) \\w+ PRIMARY KEY").matcher(block.group(1));
        assertThat(inline.find()).as("the primary key of " + table).isTrue();
        return List.of(inline.group(1));
    }

    @Test
    void logPositionsAreFixedWidthSoTextOrderIsLogOrder() {
        assertThat(ViewStatements.logPosition(3, 12_345)).isEqualTo("0000000003-0000000000000012345");
        assertThat(ViewStatements.logPosition(Integer.MAX_VALUE, Long.MAX_VALUE))
                .hasSize(30);
        assertThat(ViewStatements.logPosition(9, 99).compareTo(ViewStatements.logPosition(10, 0)))
                .isNegative();
    }

    /** The column (or field) names of {@code CREATE <kind> IF NOT EXISTS sales_v1.<name> (...)} in {@code file}. */
    private static Set<String> columns(String cql, String file, String kind, String name) {
        Matcher block = Pattern.compile(
                        "CREATE " + kind + " IF NOT EXISTS sales_v1\\." + name + " \\((.*?)\\n\\);", Pattern.DOTALL)
                .matcher(cql);
        assertThat(block.find()).as(kind + " " + name + " in cql/" + file).isTrue();
        Set<String> names = new LinkedHashSet<>();
        for (String line : block.group(1).split("\\n")) {
            String trimmed = line.trim();
            if (!trimmed.isEmpty() && !trimmed.startsWith("PRIMARY KEY") && !trimmed.startsWith("--")) {
                names.add(trimmed.split("\\s+")[0]);
            }
        }
        return names;
    }
}
