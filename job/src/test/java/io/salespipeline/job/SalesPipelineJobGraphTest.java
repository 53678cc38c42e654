package io.salespipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.salespipeline.job.config.JobConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The production wiring as Flink will deploy it: which operators share a task. Every task is
 * deployed, initialised and restored on each restart, so the count is part of how fast the job recovers.
 */
class SalesPipelineJobGraphTest {

    @Test
    void windowViewsAreWrittenFromTheirWindowsTaskAndEventViewsFromTasksOfTheirOwn() {
        JobConfig config = JobConfig.fromArgs(new String[0], Map.of());
        List<String> tasks = tasksOf(config);
        String views = "Cassandra " + config.keyspace + ".";

        assertThat(taskContaining(tasks, "Store sales per window")).contains(views + "store_sales_per_minute");
        assertThat(taskContaining(tasks, "Item sales per window")).contains(views + "item_sales_per_hour");
        assertThat(taskContaining(tasks, "Top items per store and window"))
                .contains(views + "top_items_per_store_hour");
        for (String eventView : List.of("item_sales:", "sales_by_store_day:")) {
            assertThat(taskContaining(tasks, views + eventView)).doesNotContain("Source");
        }
        assertThat(taskContaining(tasks, "Source"))
                .contains("Lateness gate", "Kafka " + config.dlqTopic, "Kafka " + config.lateTopic);
        // source, three windows (top-N ranked in its own), two event views, and the closed-window sales of all three
        // windows
        assertThat(tasks).hasSize(7);
        assertThat(taskContaining(tasks, "Kafka " + config.lateTopic + " (closed windows)"))
                .doesNotContain("window ->");
    }

    @Test
    void theEnrichmentJoinReadsTheReferenceTopicsInOneTaskAndFeedsThePreAggregationsItIsChainedTo() {
        JobConfig config = JobConfig.fromArgs(new String[] {"--enrichment", "true"}, Map.of());
        List<JobVertex> vertices = verticesOf(config);
        List<String> tasks = vertices.stream().map(JobVertex::getName).toList();

        String reference = taskContaining(tasks, "Reference versions and progress");
        assertThat(reference).contains("Kafka " + config.itemCatalogTopic + ", " + config.storeDirectoryTopic);
        assertThat(vertices.stream().filter(v -> v.getName().equals(reference)))
                .singleElement()
                .satisfies(v -> assertThat(v.getParallelism())
                        .as("one reader: every subtask sees the versions in publish order")
                        .isEqualTo(1));
        assertThat(taskContaining(tasks, "Enrich sales"))
                .contains(
                        "Pre-aggregate store sales",
                        "Pre-aggregate item sales",
                        "Pre-aggregate top items",
                        "Pre-aggregate region sales");
        assertThat(taskContaining(tasks, "Source: Kafka " + config.topic))
                .contains("Lateness gate", "Sales to the enrichment join", "Kafka " + config.lateTopic)
                .doesNotContain("Pre-aggregate");
        // the dead letters of both sources, in a task of their own
        assertThat(taskContaining(tasks, "Kafka " + config.dlqTopic)).doesNotContain("Source");
        assertThat(taskContaining(tasks, "Region sales per window"))
                .contains("Cassandra sales_v1.region_sales_per_hour");
        // the sales source, the reference source, the join, four windows, two event views, the late and the dead
        // letters
        assertThat(tasks).hasSize(11);
    }

    private static List<String> tasksOf(JobConfig config) {
        return verticesOf(config).stream().map(JobVertex::getName).toList();
    }

    private static List<JobVertex> verticesOf(JobConfig config) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(4);
        SalesPipelineJob.configure(env, config);
        SalesPipelineJob.withKafkaAndCassandra(config).build(env);
        List<JobVertex> vertices = new ArrayList<>();
        env.getStreamGraph().getJobGraph().getVertices().forEach(vertices::add);
        return vertices;
    }

    private static String taskContaining(List<String> tasks, String operator) {
        List<String> matching = tasks.stream().filter(t -> t.contains(operator)).toList();
        assertThat(matching).as("tasks containing '%s' in %s", operator, tasks).hasSize(1);
        return matching.get(0);
    }
}
