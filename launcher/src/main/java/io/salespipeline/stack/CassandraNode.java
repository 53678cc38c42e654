package io.salespipeline.stack;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A single Cassandra 5 node on loopback, sized for a 2-core development machine. */
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

    private final ManagedProcess process;
    private CqlSession session;

    CassandraNode(StackLayout layout, StackSettings settings) {
        super(layout, settings);
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
            throw new StackException("Cassandra 5.0 runs on Java 11 or 17, but ./stack runs on Java " + feature + ": point JAVA_HOME at a Java 17 JDK");
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
        process.start(new JavaCommand(jvm, classpath, "org.apache.cassandra.service.CassandraDaemon", List.of()), Map.of(), layout.home);
    }

    private String cassandraYaml(Path data) {
        String host = StackSettings.HOST;
        // The authenticator is the one knob users turn here: CASSANDRA_AUTHENTICATOR=PasswordAuthenticator
        String authenticator = System.getenv().getOrDefault("CASSANDRA_AUTHENTICATOR", "AllowAllAuthenticator");
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
                """.formatted(authenticator, host, settings.port(StackSettings.Setting.CASSANDRA_STORAGE_PORT),
                settings.port(StackSettings.Setting.CASSANDRA_PORT), data);
    }

    @Override
    Readiness probe() {
        try {
            if (session == null) {
                session = Clients.cqlSession(endpoint());
            }
            Row row = session.execute("SELECT release_version FROM system.local").one();
            return row == null ? Readiness.notYet("system.local is empty") : Readiness.ready("CQL answers, Cassandra " + row.getString(0));
        } catch (RuntimeException e) {
            closeSession();
            return Readiness.notYet("CQL port not answering yet");
        }
    }

    @Override
    void afterReady() {
        if (session == null) {
            session = Clients.cqlSession(endpoint());
        }
        CqlScripts.applyDirectory(session, layout.cqlDir(), null);
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
