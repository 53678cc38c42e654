package io.salespipeline.e2e;

import java.util.List;

/**
 * The ports of a suite's own stack (beside the shared one the other tests use), all in one
 * thousand: {@code new OwnStackPorts(24)} is Kafka 24092 (controller 24093), Cassandra 24042
 * (storage 24700), Flink 24081 (RPC 24123). Below Linux's ephemeral range (32768-60999), where a
 * client socket could hold one first.
 */
public record OwnStackPorts(int thousands) {

    public int kafka() {
        return port(92);
    }

    public int cassandra() {
        return port(42);
    }

    public int flink() {
        return port(81);
    }

    public String kafkaBootstrap() {
        return "127.0.0.1:" + kafka();
    }

    public String flinkRest() {
        return "http://127.0.0.1:" + flink();
    }

    /** The options of {@code ./stack up} that put every server on these ports. */
    public List<String> upOptions() {
        return List.of(
                "--kafka-port", Integer.toString(kafka()),
                "--kafka-controller-port", Integer.toString(port(93)),
                "--cassandra-port", Integer.toString(cassandra()),
                "--cassandra-storage-port", Integer.toString(port(700)),
                "--flink-port", Integer.toString(flink()),
                "--flink-rpc-port", Integer.toString(port(123)));
    }

    private int port(int offset) {
        return thousands * 1000 + offset;
    }
}
