package io.salespipeline.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docker-compose.yml creates the topics itself (a shell loop): it must create these, with these settings. */
class TopicTest {

    private static final int COMPOSE_LOG_PARTITIONS = 4;

    @Test
    void dockerComposeCreatesEveryTopicWithTheContractsSettings() throws Exception {
        String compose = Files.readString(Path.of("..", "docker-compose.yml"));
        Matcher loop = Pattern.compile("for topic in ([A-Za-z_:0-9 \\\\\\n-]+); do\\n(?s:(.*?))done")
                .matcher(compose);
        assertThat(loop.find()).as("the topic loop of docker-compose.yml").isTrue();
        Map<String, String> created = new TreeMap<>();
        for (String spec : loop.group(1).replace("\\", " ").trim().split("\\s+")) {
            created.put(spec.substring(0, spec.indexOf(':')), spec.substring(spec.indexOf(':') + 1));
        }
        Map<String, String> contract = new TreeMap<>();
        Arrays.stream(Topic.values())
                .forEach(topic -> contract.put(
                        topic.defaultName(),
                        topic.maxMessageBytes() + ":" + topic.partitions(COMPOSE_LOG_PARTITIONS) + ":"
                                + topic.configs().get("cleanup.policy") + ":"
                                + topic.configs().get(Topic.RETENTION_MS)
                                + ":" + topic.configs().get(Topic.TIMESTAMP_TYPE)));
        assertThat(created).isEqualTo(contract);
        assertThat(loop.group(2))
                .contains("--config retention.ms=\"$$retention\"")
                .contains("--config message.timestamp.type=\"$$timestamps\"")
                .contains("max.message.bytes=\"$$bytes\"")
                .contains("cleanup.policy=\"$$policy\"")
                .contains("--partitions \"$$partitions\"");
    }

    @Test
    void referenceTopicsAreCompactedSinglePartitionsAndTheLogIsNot() {
        assertThat(Topic.ITEM_CATALOG.partitions(8)).isEqualTo(1);
        assertThat(Topic.STORE_DIRECTORY.configs()).containsEntry("cleanup.policy", "compact");
        assertThat(Topic.ITEM_SALES.partitions(8)).isEqualTo(8);
        assertThat(Topic.ITEM_SALES.configs()).containsEntry("cleanup.policy", "delete");
        assertThat(Topic.referenceKey("plates-235", 1530300000000L)).isEqualTo("plates-235@1530300000000");
    }

    @Test
    void onlyTheEnvelopeTopicsExpireCountedFromTheirWriteAndTheLogCannotBeGivenARetention() {
        assertThat(Topic.DEAD_LETTERS.configs())
                .containsEntry(
                        Topic.RETENTION_MS,
                        Long.toString(java.time.Duration.ofDays(30).toMillis()))
                .containsEntry("message.timestamp.type", "LogAppendTime");
        assertThat(Topic.LATE_EVENTS.configs(java.time.Duration.ofDays(7)))
                .containsEntry(Topic.RETENTION_MS, "604800000");
        assertThat(Topic.LATE_EVENTS.configs(null)).containsEntry(Topic.RETENTION_MS, Topic.FOREVER_MS);
        assertThat(Topic.ITEM_SALES.configs())
                .containsEntry(Topic.RETENTION_MS, Topic.FOREVER_MS)
                .containsEntry("message.timestamp.type", "CreateTime");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> Topic.ITEM_SALES.configs(java.time.Duration.ofDays(30)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kept forever");
    }
}
