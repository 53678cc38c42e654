package io.salespipeline.job.sinks;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.CodecRegistry;
import com.datastax.driver.core.ConsistencyLevel;
import com.datastax.driver.core.HostDistance;
import com.datastax.driver.core.NettyOptions;
import com.datastax.driver.core.PoolingOptions;
import com.datastax.driver.core.QueryOptions;
import com.datastax.driver.core.SocketOptions;
import com.datastax.shaded.netty.channel.EventLoopGroup;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.connectors.cassandra.ClusterBuilder;

/**
 * The driver connection of the view sinks, one per login and TaskManager (see {@link SharedSessions}:
 * equal builders share one). The password is read from the TaskManager's environment
 * ({@code CASSANDRA_PASSWORD}) when the connection is built, so it never travels in the job graph or
 * shows in the web UI. Retries are set per view on each statement ({@link BoundedWriteRetryPolicy}).
 */
final class SalesClusterBuilder extends ClusterBuilder {

    private static final long serialVersionUID = 1L;

    private static final int CONNECTIONS_PER_HOST = 2;
    /** The native protocol's limit of stream ids per connection (v3 and later). */
    private static final int MAX_REQUESTS_PER_CONNECTION = 32_768;

    private final String host;
    private final int port;
    private final String username;

    /**
     * Netty's default graceful shutdown waits for two quiet seconds. The last writer of a
     * TaskManager closes the cluster while its task is cancelled, and the job cannot restart
     * before every task is cancelled: those two seconds were a fifth of a failover.
     */
    private static final NettyOptions QUICK_CLOSE = new NettyOptions() {
        @Override
        public void onClusterClose(EventLoopGroup eventLoopGroup) {
            eventLoopGroup.shutdownGracefully(0, 15, TimeUnit.SECONDS).syncUninterruptibly();
        }
    };

    SalesClusterBuilder(String host, int port, String username) {
        this.host = host;
        this.port = port;
        this.username = username;
    }

    @Override
    protected Cluster buildCluster(Cluster.Builder builder) {
        builder.addContactPoint(host)
                .withPort(port)
                // driver 3's JMX reporting breaks against metrics-core 4 on the classpath
                .withoutJMXReporting()
                .withCodecRegistry(new CodecRegistry().register(JavaLocalDateCodec.INSTANCE))
                // idempotent: the driver may retry any statement (see BoundedWriteRetryPolicy)
                .withQueryOptions(new QueryOptions()
                        .setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM)
                        .setDefaultIdempotence(true))
                .withSocketOptions(
                        new SocketOptions().setConnectTimeoutMillis(5_000).setReadTimeoutMillis(20_000))
                // every writer of the TaskManager sends through these connections: their in-flight
                // limits add up beyond the driver's default 1,024 requests and 256 queued per connection
                .withPoolingOptions(new PoolingOptions()
                        .setConnectionsPerHost(HostDistance.LOCAL, CONNECTIONS_PER_HOST, CONNECTIONS_PER_HOST)
                        .setMaxRequestsPerConnection(HostDistance.LOCAL, MAX_REQUESTS_PER_CONNECTION))
                .withNettyOptions(QUICK_CLOSE);
        if (username != null && !username.isBlank()) {
            String password = System.getenv("CASSANDRA_PASSWORD");
            builder.withCredentials(username, password == null ? "" : password);
        }
        return builder.build();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SalesClusterBuilder that
                && port == that.port
                && host.equals(that.host)
                && Objects.equals(username, that.username);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, username);
    }
}
