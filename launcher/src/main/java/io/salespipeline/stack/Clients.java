package io.salespipeline.stack;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Clients of the three services, configured for a launcher: short timeouts so probes answer
 * quickly, credentials only from the environment.
 */
public final class Clients {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Clients() {}

    public static Admin kafkaAdmin(String bootstrap) {
        Properties props = new Properties();
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
            return InetSocketAddress.createUnresolved(contact.substring(0, colon), Integer.parseInt(contact.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw StackException.usage("expected host:port, got '" + contact + "'");
        }
    }

    /**
     * A CQL session. {@code CASSANDRA_USERNAME}/{@code CASSANDRA_PASSWORD}, when set, log in with
     * PasswordAuthenticator. The short schema debouncer keeps each DDL statement from costing a second.
     */
    public static CqlSession cqlSession(String contact) {
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
        String user = System.getenv("CASSANDRA_USERNAME");
        if (user != null && !user.isBlank()) {
            builder.withAuthCredentials(user, System.getenv().getOrDefault("CASSANDRA_PASSWORD", ""));
        }
        return builder.build();
    }

    /** GET a URL; returns the status code and body, or throws IOException when nothing answers. */
    static HttpResponse<String> httpGet(String url) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
