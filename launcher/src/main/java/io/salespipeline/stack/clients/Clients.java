package io.salespipeline.stack.clients;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import io.salespipeline.contract.SaslLogin;
import io.salespipeline.stack.StackException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Clients of the three services, configured for a launcher: short timeouts so probes answer
 * quickly, credentials only from the environment.
 */
public final class Clients {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL");

    /**
     * Set by {@code ./stack} when the local stack runs secured: Kafka clients then log in with SASL unless told
     * otherwise.
     */
    private static volatile boolean localStackSecure;

    private Clients() {}

    /**
     * The local stack runs with {@code --secure}: every Kafka client of this launcher logs in (see {@link
     * #kafkaSecurity()}).
     */
    public static void localStackSecure(boolean secure) {
        localStackSecure = secure;
    }

    /**
     * The security settings of every Kafka client of the launcher, from the environment as the job
     * reads them: {@code KAFKA_SECURITY_PROTOCOL} (PLAINTEXT, or SASL_PLAINTEXT when the local stack
     * runs secured), {@code KAFKA_SASL_MECHANISM} (PLAIN), {@code KAFKA_SASL_USERNAME},
     * {@code KAFKA_SASL_PASSWORD}. Kafka logs the resulting {@code sasl.jaas.config} as {@code [hidden]}.
     */
    public static Properties kafkaSecurity() {
        return kafkaSecurity(System.getenv(), localStackSecure);
    }

    public static Properties kafkaSecurity(Map<String, String> env, boolean localSecure) {
        String protocol = trimmed(env.get("KAFKA_SECURITY_PROTOCOL"));
        if (protocol == null) {
            protocol = localSecure ? Credentials.KAFKA_PROTOCOL : "PLAINTEXT";
        }
        if (!PROTOCOLS.contains(protocol)) {
            throw StackException.usage("KAFKA_SECURITY_PROTOCOL must be one of "
                    + String.join(", ", new java.util.TreeSet<>(PROTOCOLS)) + ", got '" + protocol + "'");
        }
        Properties props = new Properties();
        props.put("security.protocol", protocol);
        if (!protocol.startsWith("SASL_")) {
            return props;
        }
        String mechanism = trimmed(env.get("KAFKA_SASL_MECHANISM"));
        mechanism = mechanism == null ? Credentials.KAFKA_MECHANISM : mechanism;
        if (!SaslLogin.MECHANISMS.contains(mechanism)) {
            throw StackException.usage("KAFKA_SASL_MECHANISM must be one of " + String.join(", ", SaslLogin.MECHANISMS)
                    + ", got '" + mechanism + "'");
        }
        String user = trimmed(env.get(Credentials.KAFKA_USER));
        String password = env.get(Credentials.KAFKA_PASSWORD);
        if (user == null || password == null || password.isEmpty()) {
            throw StackException.usage("Kafka " + protocol + (localSecure ? " (the stack runs with --secure)" : "")
                    + " needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD in the environment");
        }
        props.put("sasl.mechanism", mechanism);
        props.put("sasl.jaas.config", SaslLogin.jaasConfig(mechanism, user, SaslLogin.quote(password)));
        return props;
    }

    private static String trimmed(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    public static Admin kafkaAdmin(String bootstrap) {
        Properties props = kafkaSecurity();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "stack-launcher");
        return Admin.create(props);
    }

    /** host:port as printed by {@code status --env}. */
    static InetSocketAddress hostPort(String contact) {
        int colon = contact.lastIndexOf(':');
        if (colon <= 0) {
            throw StackException.usage("expected host:port, got '" + contact + "'");
        }
        try {
            return InetSocketAddress.createUnresolved(
                    contact.substring(0, colon), Integer.parseInt(contact.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw StackException.usage("expected host:port, got '" + contact + "'");
        }
    }

    /**
     * A CQL session. {@code CASSANDRA_USERNAME}/{@code CASSANDRA_PASSWORD}, when set, log in with
     * PasswordAuthenticator. The short schema debouncer keeps each DDL statement from costing a second.
     *
     * @throws AuthFailures.AuthenticationFailed when Cassandra refuses the login (or wants one), with a one-line reason
     */
    public static CqlSession cqlSession(String contact) {
        String user = System.getenv(Credentials.CASSANDRA_USER);
        return cqlSession(
                contact,
                user == null || user.isBlank() ? null : user.trim(),
                System.getenv().getOrDefault(Credentials.CASSANDRA_PASSWORD, ""));
    }

    /**
     * {@link #cqlSession(String)}, with an unreachable node reported as one line ending in
     * {@code hint}; a refused login keeps its own message.
     */
    public static CqlSession cqlSession(String contact, String unreachableHint) {
        try {
            return cqlSession(contact);
        } catch (StackException usageOrRefusedLogin) {
            throw usageOrRefusedLogin;
        } catch (RuntimeException e) {
            throw new StackException("no Cassandra answers at " + contact + " (" + unreachableHint + ")");
        }
    }

    /** A CQL session logged in as {@code user} (none when null). */
    public static CqlSession cqlSession(String contact, String user, String password) {
        InetSocketAddress address = hostPort(contact);
        DriverConfigLoader config = DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, Duration.ofSeconds(2))
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(5))
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(30))
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, Duration.ofMillis(10))
                .withBoolean(DefaultDriverOption.RECONNECT_ON_INIT, false)
                .build();
        CqlSessionBuilder builder = CqlSession.builder()
                .addContactPoint(new InetSocketAddress(address.getHostString(), address.getPort()))
                .withLocalDatacenter("datacenter1")
                .withConfigLoader(config);
        if (user != null) {
            builder.withAuthCredentials(user, password == null ? "" : password);
        }
        try {
            return builder.build();
        } catch (RuntimeException e) {
            java.util.Optional<Throwable> refused = AuthFailures.cassandra(e);
            if (refused.isPresent()) {
                throw new AuthFailures.AuthenticationFailed(
                        AuthFailures.cassandraMessage(contact, user, refused.get()));
            }
            throw e;
        }
    }

    /** GET a URL; returns the status code and body, or throws IOException when nothing answers. */
    public static HttpResponse<String> httpGet(String url) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
