package io.salespipeline.job.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.driver.core.exceptions.NoHostAvailableException;
import io.salespipeline.testkit.RealStackExtension;
import io.salespipeline.testkit.TestNamespace;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The view writers of a TaskManager share one connection per login, against the real Cassandra. */
@ExtendWith(RealStackExtension.class)
class SharedSessionsIT {

    private static InetSocketAddress cassandra;

    @BeforeAll
    static void endpoints(TestNamespace namespace) {
        cassandra = namespace.endpoints().cassandraAddress();
    }

    @Test
    void writersOfOneLoginShareASessionUntilTheLastCloses() {
        int before = SharedSessions.open();
        SalesClusterBuilder login = new SalesClusterBuilder(cassandra.getHostString(), cassandra.getPort(), null);
        SharedSessions.Lease first = SharedSessions.acquire(login);
        SharedSessions.Lease second =
                SharedSessions.acquire(new SalesClusterBuilder(cassandra.getHostString(), cassandra.getPort(), null));
        try {
            assertThat(second.session()).isSameAs(first.session());
            assertThat(second.prepare("SELECT release_version FROM system.local"))
                    .isSameAs(first.prepare("SELECT release_version FROM system.local"));
            assertThat(SharedSessions.open()).isEqualTo(before + 1);

            first.close();
            first.close(); // a second close of one lease must not release the other's
            assertThat(second.cluster().isClosed()).isFalse();
            assertThat(second.session()
                            .execute("SELECT release_version FROM system.local")
                            .one())
                    .isNotNull();
        } finally {
            first.close();
            second.close();
        }
        assertThat(second.cluster().isClosed()).isTrue();
        assertThat(SharedSessions.open()).isEqualTo(before);
    }

    @Test
    void aLoginThatCannotConnectIsNotKept() throws Exception {
        int nobodyListens;
        try (ServerSocket socket = new ServerSocket(0)) {
            nobodyListens = socket.getLocalPort();
        }
        int before = SharedSessions.open();
        SalesClusterBuilder unreachable = new SalesClusterBuilder(cassandra.getHostString(), nobodyListens, null);

        assertThatThrownBy(() -> SharedSessions.acquire(unreachable)).isInstanceOf(NoHostAvailableException.class);
        assertThat(SharedSessions.open()).isEqualTo(before);
    }
}
