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
 * Every view's upsert writes a table of {@code cql/10-views.cql} and exactly its columns (and, for
 * the frozen sale, exactly the fields of its type). The real server's check is the job's
 * submission-time prepare (ViewKeyspaceCheck) and ItemSalesTiesIT; this one needs no Cassandra.
 */
class ViewStatementsTest {

    private static final Pattern UPSERT =
            Pattern.compile("INSERT INTO sales_v1\\.(\\w+) \\(([^)]*)\\) VALUES \\((.*)\\) USING TIMESTAMP \\?");

    @Test
    void everyUpsertWritesEveryColumnOfItsTableAndNoOther() throws Exception {
        String cql = Files.readString(Path.of("..", "cql", "10-views.cql"));
        List<String> tables = new ArrayList<>();
        for (String upsert : ViewStatements.upserts("sales_v1")) {
            Matcher m = UPSERT.matcher(upsert);
            assertThat(m.matches()).as(upsert).isTrue();
            tables.add(m.group(1));
            assertThat(Set.of(m.group(2).split(", "))).as(m.group(1)).isEqualTo(columns(cql, "TABLE", m.group(1)));
        }
        assertThat(tables)
                .containsExactly(java.util.Arrays.stream(ViewTable.values())
                        .map(ViewTable::table)
                        .toArray(String[]::new));

        Matcher sale = Pattern.compile("\\{([^}]*)}").matcher(ViewStatements.itemSales("sales_v1"));
        assertThat(sale.find()).isTrue();
        Set<String> fields = new LinkedHashSet<>();
        for (String field : sale.group(1).split(", ")) {
            fields.add(field.substring(0, field.indexOf(':')));
        }
        assertThat(fields).isEqualTo(columns(cql, "TYPE", "latest_sale"));
        assertThat(new ArrayList<>(fields).get(0))
                .as("the log position leads the sale: it decides ties byte by byte")
                .isEqualTo("log_position");
    }

    @Test
    void logPositionsAreFixedWidthSoTextOrderIsLogOrder() {
        assertThat(ViewStatements.logPosition(3, 12_345)).isEqualTo("0000000003-0000000000000012345");
        assertThat(ViewStatements.logPosition(Integer.MAX_VALUE, Long.MAX_VALUE))
                .hasSize(30);
        assertThat(ViewStatements.logPosition(9, 99).compareTo(ViewStatements.logPosition(10, 0)))
                .isNegative();
    }

    /** The column (or field) names of {@code CREATE <kind> IF NOT EXISTS sales_v1.<name> (...)}. */
    private static Set<String> columns(String cql, String kind, String name) {
        Matcher block = Pattern.compile(
                        "CREATE " + kind + " IF NOT EXISTS sales_v1\\." + name + " \\((.*?)\\n\\);", Pattern.DOTALL)
                .matcher(cql);
        assertThat(block.find()).as(kind + " " + name + " in cql/10-views.cql").isTrue();
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
