package io.salespipeline.stack.local;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.salespipeline.contract.ViewSchema;
import io.salespipeline.stack.StackException;
import io.salespipeline.stack.clients.AuthFailures;
import io.salespipeline.stack.clients.Clients;
import io.salespipeline.stack.clients.CqlScripts;
import io.salespipeline.stack.clients.Credentials;
import io.salespipeline.stack.clients.Secrets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A single Cassandra 5 node on loopback, sized for a 2-core development machine.
 *
 * <p>Secured ({@code ./stack up --secure}) it runs PasswordAuthenticator. On the first start the
 * stack logs in once with Cassandra's built-in {@code cassandra}/{@code cassandra} superuser,
 * creates the role of {@code CASSANDRA_USERNAME} (a superuser: it owns the stack's keyspaces), then,
 * logged in as that role, gives {@code cassandra} a random password and takes away its login and
 * superuser status. Authorization stays AllowAllAuthorizer: every logged-in role may do everything.
 * {@code system_auth} keeps Cassandra 5's default replication (SimpleStrategy, factor 1) on this one node.
 */
final class CassandraNode extends LocalService {

    /** From Cassandra's conf/jvm17-server.options: what its internals need opened on Java 17. */
    private static final List<String> JAVA17_OPENS = List.of(
            "-Djdk.attach.allowAttachSelf=true",
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.server=ALL-UNNAMED",
            "--add-exports=java.sql/java.sql=ALL-UNNAMED",
            "--add-exports=java.base/java.lang.ref=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.module=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.reflect=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.math=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.module=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.util.jar=ALL-UNNAMED",
            "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.math=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED");

    /**
     * How long the built-in superuser may keep refusing before the stack concludes it was disabled by an earlier
     * set-up.
     */
    private static final Duration ROLE_SETUP_GRACE = Duration.ofSeconds(20);

    private final ManagedProcess process;
    private CqlSession session;
    private long refusedSinceNanos;

    CassandraNode(StackLayout layout, StackSettings settings, Credentials credentials) {
        super(layout, settings, credentials);
        this.process = new ManagedProcess("cassandra", layout);
    }

    @Override
    String name() {
        return "cassandra";
    }

    @Override
    List<StackSettings.Setting> ports() {
        return List.of(StackSettings.Setting.CASSANDRA_PORT, StackSettings.Setting.CASSANDRA_STORAGE_PORT);
    }

    @Override
    List<ManagedProcess> processes() {
        return List.of(process);
    }

    @Override
    String endpoint() {
        return settings.cassandraContact();
    }

    @Override
    void startMissing() {
        if (process.isRunning()) {
            return;
        }
        int feature = JavaCommand.javaFeatureVersion();
        if (feature != 11 && feature != 17) {
            throw new StackException("Cassandra 5.0 runs on Java 11 or 17, but ./stack runs on Java " + feature
                    + ": point JAVA_HOME at a Java 17 JDK");
        }
        Path conf = layout.confDir(name());
        Path data = dataDir();
        Path logDir = layout.logsDir().resolve("cassandra");
        StackLayout.createDirectories(conf, data, logDir);
        Path yaml = conf.resolve("cassandra.yaml");
        StackLayout.writeFile(yaml, cassandraYaml(data));
        Path logback = conf.resolve("logback.xml");
        StackLayout.writeFile(logback, Log4jFiles.cassandraLogback(logDir.resolve("system.log")));

        String classpath = layout.serverClasspath("cassandra");
        Path jamm = StackLayout.classpathEntries(classpath).stream()
                .filter(p -> p.getFileName().toString().startsWith("jamm-"))
                .findFirst()
                .orElseThrow(() -> new StackException("the Cassandra classpath has no jamm agent jar"));
        String heap = settings.value(StackSettings.Setting.CASSANDRA_HEAP);
        List<String> jvm = new ArrayList<>(List.of(
                "-Xms" + heap,
                "-Xmx" + heap,
                "-Xss256k",
                "-XX:+UseG1GC",
                "-XX:+ParallelRefProcEnabled",
                "-XX:MaxGCPauseMillis=300",
                "-XX:+HeapDumpOnOutOfMemoryError",
                "-XX:HeapDumpPath=" + logDir,
                "-Djava.net.preferIPv4Stack=true",
                "-javaagent:" + jamm,
                "-Dcassandra.config=" + yaml.toUri(),
                "-Dcassandra-foreground=true",
                "-Dcassandra.storagedir=" + data,
                "-Dcassandra.logdir=" + logDir,
                "-Dlogback.configurationFile=" + logback.toUri(),
                "-Dcassandra.skip_wait_for_gossip_to_settle=0",
                "-Dcassandra.superuser_setup_delay_ms=0"));
        jvm.addAll(JAVA17_OPENS);
        process.start(
                new JavaCommand(jvm, classpath, "org.apache.cassandra.service.CassandraDaemon", List.of()),
                Map.of(),
                layout.home);
    }

    private String cassandraYaml(Path data) {
        String host = StackSettings.HOST;
        String authenticator = credentials == null ? "AllowAllAuthenticator" : "PasswordAuthenticator";
        return """
                # generated by ./stack from its settings; edits are overwritten on the next up
                cluster_name: sales-pipeline-local
                num_tokens: 1
                initial_token: 0
                partitioner: org.apache.cassandra.dht.Murmur3Partitioner
                endpoint_snitch: SimpleSnitch
                authenticator: %1$s
                authorizer: AllowAllAuthorizer
                seed_provider:
                  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
                    parameters:
                      - seeds: "%2$s:%3$d"
                listen_address: %2$s
                rpc_address: %2$s
                storage_port: %3$d
                native_transport_port: %4$d
                start_native_transport: true
                data_file_directories:
                  - %5$s/data
                commitlog_directory: %5$s/commitlog
                saved_caches_directory: %5$s/saved_caches
                hints_directory: %5$s/hints
                cdc_raw_directory: %5$s/cdc_raw
                commitlog_sync: periodic
                commitlog_sync_period: 10000ms
                commitlog_segment_size: 32MiB
                commitlog_total_space: 256MiB
                memtable_heap_space: 128MiB
                memtable_offheap_space: 128MiB
                auto_snapshot: false
                concurrent_compactors: 1
                concurrent_reads: 16
                concurrent_writes: 32
                disk_failure_policy: stop
                commit_failure_policy: stop
                """.formatted(
                        authenticator,
                        host,
                        settings.port(StackSettings.Setting.CASSANDRA_STORAGE_PORT),
                        settings.port(StackSettings.Setting.CASSANDRA_PORT),
                        data);
    }

    @Override
    Readiness probe() {
        try {
            if (session == null) {
                session = openSession();
            }
            Row row =
                    session.execute("SELECT release_version FROM system.local").one();
            return row == null
                    ? Readiness.notYet("system.local is empty")
                    : Readiness.ready("CQL answers, Cassandra " + row.getString(0));
        } catch (AuthFailures.AuthenticationFailed refused) {
            closeSession();
            if (credentials == null) {
                throw refused;
            }
            // it answers, and refuses the configured role: not created yet (first start), or wrong credentials
            return setUpRoles(refused);
        } catch (RuntimeException e) {
            closeSession();
            return Readiness.notYet("CQL port not answering yet");
        }
    }

    private CqlSession openSession() {
        return credentials == null
                ? Clients.cqlSession(endpoint())
                : Clients.cqlSession(endpoint(), credentials.cassandraUser, credentials.cassandraPassword);
    }

    /**
     * First start of a secured node: create the configured role through the built-in superuser
     * ({@link #afterReady} then disables that one). Idempotent; the next probe logs in with the configured role.
     */
    private Readiness setUpRoles(AuthFailures.AuthenticationFailed refused) {
        String role = Secrets.cqlName(credentials.cassandraUser);
        try (CqlSession builtIn = Clients.cqlSession(
                endpoint(), Credentials.DEFAULT_CASSANDRA_ROLE, Credentials.DEFAULT_CASSANDRA_ROLE)) {
            if (builtIn.execute("SELECT role FROM system_auth.roles WHERE role = ?", credentials.cassandraUser)
                            .one()
                    != null) {
                throw new StackException(
                        refused.getMessage() + "; the role exists with another password (set up by an earlier"
                                + " ./stack up --secure): use that one, or start afresh with ./stack down --purge");
            }
            builtIn.execute("CREATE ROLE IF NOT EXISTS " + role + " WITH PASSWORD = "
                    + Secrets.cqlString(credentials.cassandraPassword) + " AND LOGIN = true AND SUPERUSER = true");
        } catch (AuthFailures.AuthenticationFailed builtInRefused) {
            long now = System.nanoTime();
            if (refusedSinceNanos == 0) {
                refusedSinceNanos = now;
            }
            if (now - refusedSinceNanos > ROLE_SETUP_GRACE.toNanos()) {
                throw new AuthFailures.AuthenticationFailed(
                        refused.getMessage() + "; the roles of this stack were set up by an earlier"
                                + " ./stack up --secure with other credentials: use those, or start afresh "
                                + "with ./stack down --purge");
            }
            return Readiness.notYet("waiting for Cassandra's built-in role");
        } catch (StackException e) {
            throw e;
        } catch (RuntimeException e) {
            return Readiness.notYet("setting up roles: " + AuthFailures.oneLine(e));
        }
        return Readiness.notYet("created role " + credentials.cassandraUser);
    }

    /** Secured: the built-in superuser keeps no login (a random password, no login, no superuser status). */
    private void disableBuiltInSuperuser() {
        Row builtIn = session.execute(
                        "SELECT can_login, is_superuser FROM system_auth.roles WHERE role = ?",
                        Credentials.DEFAULT_CASSANDRA_ROLE)
                .one();
        if (builtIn != null && (builtIn.getBoolean("can_login") || builtIn.getBoolean("is_superuser"))) {
            session.execute("ALTER ROLE " + Credentials.DEFAULT_CASSANDRA_ROLE + " WITH PASSWORD = "
                    + Secrets.cqlString(Secrets.randomPassword()) + " AND LOGIN = false AND SUPERUSER = false");
        }
    }

    @Override
    void afterReady() {
        if (session == null) {
            session = openSession();
        }
        if (credentials != null) {
            disableBuiltInSuperuser();
        }
        CqlScripts.applyDirectory(session, layout.cqlDir(), null, ViewSchema.PLAIN);
    }

    @Override
    public void close() {
        closeSession();
    }

    private void closeSession() {
        if (session != null) {
            session.close();
            session = null;
        }
    }
}
