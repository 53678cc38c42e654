package io.salespipeline.testkit;

import java.nio.file.Path;
import java.time.Duration;
import org.testcontainers.cassandra.CassandraContainer;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Kafka (official apache/kafka image, KRaft) and Cassandra from Testcontainers, at the versions ./stack runs ({@link
 * ServerImages}), for machines with a Docker engine. Kept in its own class so Testcontainers is only loaded when asked
 * for.
 */
final class TestcontainersBackend {

    private TestcontainersBackend() {}

    static RealStackExtension.RunningStack start(Path root) {
        KafkaContainer kafka = new KafkaContainer(ServerImages.KAFKA);
        CassandraContainer cassandra = new CassandraContainer(ServerImages.CASSANDRA);
        kafka.start();
        cassandra.start();
        String contact = cassandra.getContactPoint().getHostString() + ":"
                + cassandra.getContactPoint().getPort();
        StackScript.Result schema = new StackScript(root).run(Duration.ofMinutes(2), true, "cql", "--contact", contact);
        if (schema.exitCode() != 0) {
            throw new IllegalStateException("applying cql/ to the Cassandra container failed:\n" + schema.output());
        }
        StackEndpoints endpoints = new StackEndpoints(kafka.getBootstrapServers(), contact, null, root);
        return new RealStackExtension.RunningStack(endpoints, () -> {
            kafka.stop();
            cassandra.stop();
        });
    }
}
