package io.salespipeline.job.sinks;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.PreparedStatement;
import com.datastax.driver.core.Session;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One driver {@link Cluster} and {@link Session} per Cassandra login in a TaskManager, shared by
 * every view writer of the job there and closed with the last of them.
 *
 * <p>Each cluster opens a control connection, reads the whole schema and starts its own event-loop
 * and timer threads: with a connection per writer, a TaskManager running five views at parallelism
 * four built twenty of them on every (re)start, and on two cores that was most of the seconds a
 * failover took. A session is thread-safe; the requests of all writers share its connections.
 *
 * <p>The map is static in the job's class loader, so two jobs never share a session and a job's
 * sessions go with its last writer.
 */
final class SharedSessions {

    /** A writer's hold on the shared session; closing the last lease closes the cluster. */
    static final class Lease implements AutoCloseable {

        private final SalesClusterBuilder key;
        private final Shared shared;
        private boolean closed;

        private Lease(SalesClusterBuilder key, Shared shared) {
            this.key = key;
            this.shared = shared;
        }

        Session session() {
            return shared.session;
        }

        Cluster cluster() {
            return shared.cluster;
        }

        /** Prepared once per session: the driver warns about every statement prepared again. */
        PreparedStatement prepare(String query) {
            return shared.prepared.computeIfAbsent(query, shared.session::prepare);
        }

        @Override
        public void close() {
            synchronized (SHARED) {
                if (closed) {
                    return;
                }
                closed = true;
                if (--shared.leases == 0) {
                    SHARED.remove(key);
                    shared.cluster.close();
                }
            }
        }
    }

    private static final class Shared {
        final Cluster cluster;
        final Session session;
        final Map<String, PreparedStatement> prepared = new ConcurrentHashMap<>();
        int leases;

        Shared(Cluster cluster, Session session) {
            this.cluster = cluster;
            this.session = session;
        }
    }

    private static final Map<SalesClusterBuilder, Shared> SHARED = new HashMap<>();

    private SharedSessions() {}

    /**
     * The session for this login, connected by the first writer that asks (which waits for it; the
     * others wait on the same lock instead of connecting again). A failed connect is not kept: the
     * next writer tries afresh.
     */
    static Lease acquire(SalesClusterBuilder builder) {
        synchronized (SHARED) {
            Shared shared = SHARED.get(builder);
            if (shared == null) {
                Cluster cluster = builder.getCluster();
                try {
                    shared = new Shared(cluster, cluster.connect());
                } catch (RuntimeException e) {
                    cluster.close();
                    throw e;
                }
                SHARED.put(builder, shared);
            }
            shared.leases++;
            return new Lease(builder, shared);
        }
    }

    /** Sessions open in this class loader (for tests). */
    static int open() {
        synchronized (SHARED) {
            return SHARED.size();
        }
    }
}
