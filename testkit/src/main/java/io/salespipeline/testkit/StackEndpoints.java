package io.salespipeline.testkit;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * Where the real services of a test run answer.
 *
 * @param flinkRest the session cluster's REST address, or null when the backend has none (Testcontainers)
 */
public record StackEndpoints(String kafkaBootstrap, String cassandraContact, String flinkRest, Path repoRoot) {

    public InetSocketAddress cassandraAddress() {
        int colon = cassandraContact.lastIndexOf(':');
        return new InetSocketAddress(
                cassandraContact.substring(0, colon), Integer.parseInt(cassandraContact.substring(colon + 1)));
    }
}
