package io.salespipeline.job.sinks;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.CodecRegistry;
import com.datastax.driver.core.ConsistencyLevel;
import com.datastax.driver.core.QueryOptions;
import com.datastax.driver.core.SocketOptions;
import org.apache.flink.streaming.connectors.cassandra.ClusterBuilder;

/**
 * The driver connection of one view's sink. The password is read from the TaskManager's
 * environment ({@code CASSANDRA_PASSWORD}) when the connection is built, so it never travels in
 * the job graph or shows in the web UI.
 */
final class SalesClusterBuilder extends ClusterBuilder {

    private static final long serialVersionUID = 1L;

    private final String host;
    private final int port;
    private final String username;
    private final int writeRetries;
    private final String view;

    SalesClusterBuilder(String host, int port, String username, int writeRetries, String view) {
        this.host = host;
        this.port = port;
        this.username = username;
        this.writeRetries = writeRetries;
        this.view = view;
    }

    @Override
    protected Cluster buildCluster(Cluster.Builder builder) {
        builder.addContactPoint(host)
                .withPort(port)
                // driver 3's JMX reporting breaks against metrics-core 4 on the classpath
                .withoutJMXReporting()
                .withCodecRegistry(new CodecRegistry().register(JavaLocalDateCodec.INSTANCE))
                // idempotent: the driver may retry any statement (see BoundedWriteRetryPolicy)
                .withQueryOptions(new QueryOptions().setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM).setDefaultIdempotence(true))
                .withSocketOptions(new SocketOptions().setConnectTimeoutMillis(5_000).setReadTimeoutMillis(20_000))
                .withRetryPolicy(new BoundedWriteRetryPolicy(writeRetries, view));
        if (username != null && !username.isBlank()) {
            String password = System.getenv("CASSANDRA_PASSWORD");
            builder.withCredentials(username, password == null ? "" : password);
        }
        return builder.build();
    }
}
