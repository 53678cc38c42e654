package io.salespipeline.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The Docker images of the servers at the versions the root pom gives ./stack, so that the
 * Testcontainers backend and docker-compose.yml (held to them by ServerImagesTest) run the same
 * servers as the local stack.
 */
final class ServerImages {

    private static final Properties VERSIONS = load();

    static final String KAFKA = "apache/kafka:" + version("kafka");
    static final String CASSANDRA = "cassandra:" + version("cassandra");

    private ServerImages() {}

    static String version(String server) {
        String version = VERSIONS.getProperty(server);
        // an unfiltered copy (a build that skipped Maven's resource filtering) would name no image at all
        if (version == null || version.contains("${")) {
            throw new IllegalStateException("server-versions.properties has no version for " + server + ": " + version);
        }
        return version;
    }

    private static Properties load() {
        try (InputStream in = ServerImages.class.getResourceAsStream("server-versions.properties")) {
            if (in == null) {
                throw new IllegalStateException("server-versions.properties is missing from the testkit's classpath");
            }
            Properties versions = new Properties();
            versions.load(in);
            return versions;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
