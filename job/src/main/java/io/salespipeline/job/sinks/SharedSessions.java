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
                release(key, shared);
            }
        }
    }

    /** A login's connection, made once by the first writer; the others wait for that attempt. */
    private static final class Shared {
        private Cluster cluster;
        private Session session;
        /** Why that one attempt failed: the writers that waited for it fail with it instead of each trying again. */
        private RuntimeException failure;

        private final Map<String, PreparedStatement> prepared = new ConcurrentHashMap<>();
        private int leases;

        synchronized void connect(SalesClusterBuilder builder) {
            if (failure != null) {
                throw failure;
            }
            if (session != null) {
                return;
            }
            Cluster connecting = builder.getCluster();
            try {
                session = connecting.connect();
                cluster = connecting;
            } catch (RuntimeException e) {
                connecting.close();
                failure = e;
                throw e;
            }
        }
    }

    private static final Map<SalesClusterBuilder, Shared> SHARED = new HashMap<>();

    private SharedSessions() {}

    /**
     * The session for this login, connected by the first writer that asks; writers asking meanwhile
     * wait for that connect (on it alone, not on other logins) and share its outcome. A failed
     * connect goes with the writers that saw it: once they have let go, the next writer tries afresh.
     */
    static Lease acquire(SalesClusterBuilder builder) {
        Shared shared;
        synchronized (SHARED) {
            shared = SHARED.computeIfAbsent(builder, b -> new Shared());
            shared.leases++;
        }
        try {
            shared.connect(builder);
        } catch (RuntimeException e) {
            synchronized (SHARED) {
                release(builder, shared);
            }
            throw e;
        }
        return new Lease(builder, shared);
    }

    /** Called holding the SHARED lock. */
    private static void release(SalesClusterBuilder key, Shared shared) {
        if (--shared.leases == 0) {
            SHARED.remove(key, shared);
            if (shared.cluster != null) {
                shared.cluster.close();
            }
        }
    }

    /** Sessions open in this class loader (for tests). */
    static int open() {
        synchronized (SHARED) {
            return SHARED.size();
        }
    }
}
