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

    @Test
    void dockerComposeCreatesEveryTopicWithTheContractsSettings() throws Exception {
        String compose = Files.readString(Path.of("..", "docker-compose.yml"));
        Matcher loop = Pattern.compile("for topic in ([a-z_:0-9 ]+); do\\n(?s:(.*?))done")
                .matcher(compose);
        assertThat(loop.find()).as("the topic loop of docker-compose.yml").isTrue();
        Map<String, Integer> created = new TreeMap<>();
        for (String spec : loop.group(1).trim().split(" ")) {
            String[] nameAndBytes = spec.split(":");
            created.put(nameAndBytes[0], Integer.parseInt(nameAndBytes[1]));
        }
        Map<String, Integer> contract = new TreeMap<>();
        Arrays.stream(Topic.values()).forEach(topic -> contract.put(topic.defaultName(), topic.maxMessageBytes()));
        assertThat(created).isEqualTo(contract);
        assertThat(loop.group(2))
                .contains("--config retention.ms=" + Topic.RETENTION_MS)
                .contains("max.message.bytes=\"$${topic##*:}\"");
    }
}
