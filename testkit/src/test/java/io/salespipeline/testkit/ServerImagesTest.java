package io.salespipeline.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml names its images itself: they must be the servers the root pom names, as the Testcontainers
 * backend's are.
 */
class ServerImagesTest {

    @Test
    void dockerComposeRunsTheServerVersionsOfThePom() throws Exception {
        String compose = Files.readString(Path.of("..", "docker-compose.yml"));
        Matcher image = Pattern.compile("(?m)^\\s*image:\\s*(\\S+)\\s*$").matcher(compose);
        List<String> images = new ArrayList<>();
        while (image.find()) {
            images.add(image.group(1));
        }
        String flink = ServerImages.version("flink");
        assertThat(images)
                .as("the images of docker-compose.yml")
                .containsOnly(ServerImages.KAFKA, ServerImages.CASSANDRA, "flink:" + flink + "-java17");
        Matcher plugin = Pattern.compile("ENABLE_BUILT_IN_PLUGINS:\\s*(\\S+)").matcher(compose);
        assertThat(plugin.find())
                .as("the Flink plugins docker-compose.yml enables")
                .isTrue();
        assertThat(plugin.group(1)).isEqualTo("flink-metrics-prometheus-" + flink + ".jar");
    }
}
