package io.salespipeline.stack.clients;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import io.salespipeline.stack.StackException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a refused login into one line naming the service and "authentication failed", instead of a
 * stack trace or, worse, a client that keeps retrying. Kafka clients report it as an
 * {@link org.apache.kafka.common.errors.AuthenticationException} (SASL: {@code SaslAuthenticationException});
 * the Cassandra driver as an {@link com.datastax.oss.driver.api.core.auth.AuthenticationException}
 * inside the {@link AllNodesFailedException} of a session that could not open.
 */
public final class AuthFailures {

    private AuthFailures() {}

    /** A launcher failure that is a refused login; the CLI prints its message like any other. */
    public static final class AuthenticationFailed extends StackException {
        private static final long serialVersionUID = 1L;

        public AuthenticationFailed(String message) {
            super(message);
        }
    }

    /** The Kafka authentication failure somewhere in this exception's causes, if any. */
    public static Optional<Throwable> kafka(Throwable failure) {
        return find(failure, org.apache.kafka.common.errors.AuthenticationException.class);
    }

    /** The Cassandra driver's authentication failure somewhere in this exception's causes or node errors, if any. */
    public static Optional<Throwable> cassandra(Throwable failure) {
        return find(failure, com.datastax.oss.driver.api.core.auth.AuthenticationException.class);
    }

    /** "Kafka at HOST:PORT: authentication failed (...)": the message of a refused Kafka login. */
    public static String kafkaMessage(String bootstrap, Throwable cause) {
        return "Kafka at " + bootstrap + ": authentication failed (" + oneLine(cause)
                + "); check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (and KAFKA_SECURITY_PROTOCOL, "
                + "KAFKA_SASL_MECHANISM)";
    }

    /** "Cassandra at HOST:PORT: authentication failed ...": the message of a refused CQL login. */
    public static String cassandraMessage(String contact, String user, Throwable cause) {
        String server = serverReply(oneLine(cause));
        if (user == null || user.isBlank()) {
            return "Cassandra at " + contact
                    + ": authentication failed, it requires a login: set CASSANDRA_USERNAME and CASSANDRA_PASSWORD ("
                    + server + ")";
        }
        return "Cassandra at " + contact + ": authentication failed for user '" + user + "' (" + server
                + "); check CASSANDRA_USERNAME and CASSANDRA_PASSWORD";
    }

    /**
     * For the CLI's last line of defence: a one-line message when {@code failure} is a refused login
     * anywhere in its causes, whatever code let it through.
     */
    public static Optional<String> explain(Throwable failure) {
        Optional<Throwable> kafka = kafka(failure);
        if (kafka.isPresent()) {
            return Optional.of("Kafka: authentication failed (" + oneLine(kafka.get())
                    + "); check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (and "
                    + "KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM)");
        }
        return cassandra(failure)
                .map(c -> "Cassandra: authentication failed (" + serverReply(oneLine(c))
                        + "); check CASSANDRA_USERNAME and CASSANDRA_PASSWORD");
    }

    /**
     * The server's own words from the driver's message ("Provided username x and/or password are incorrect"), else the
     * message.
     */
    static String serverReply(String driverMessage) {
        int start = driverMessage.indexOf("server replied with '");
        if (start >= 0) {
            int from = start + "server replied with '".length();
            int end = driverMessage.indexOf('\'', from);
            if (end > from) {
                return driverMessage.substring(from, end);
            }
        }
        return driverMessage;
    }

    private static Optional<Throwable> find(Throwable failure, Class<? extends Throwable> type) {
        Deque<Throwable> pending = new ArrayDeque<>();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        pending.add(failure);
        while (!pending.isEmpty()) {
            Throwable t = pending.poll();
            if (seen.put(t, Boolean.TRUE) != null) {
                continue;
            }
            if (type.isInstance(t)) {
                return Optional.of(t);
            }
            if (t.getCause() != null) {
                pending.add(t.getCause());
            }
            for (Throwable s : t.getSuppressed()) {
                pending.add(s);
            }
            if (t instanceof AllNodesFailedException all) {
                all.getAllErrors()
                        .values()
                        .forEach(
                                errors -> errors.stream().filter(e -> e != null).forEach(pending::add));
            }
        }
        return Optional.empty();
    }

    public static String oneLine(Throwable t) {
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return message.replaceAll("\\s+", " ").trim();
    }
}
