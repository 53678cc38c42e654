package io.salespipeline.stack.clients;

import io.salespipeline.stack.StackException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The logins of a secured stack ({@code ./stack up --secure}), only ever from the environment: the
 * same four variables the job and the launcher's clients read, so one {@code export} serves them all.
 * The stack creates these users (a SASL/PLAIN user on Kafka, a role on Cassandra) and hands the
 * variables to the Flink processes, whose job reads them there.
 *
 * <p>{@link #toString()} never shows a password.
 */
public final class Credentials {

    public static final String KAFKA_USER = "KAFKA_SASL_USERNAME";
    public static final String KAFKA_PASSWORD = "KAFKA_SASL_PASSWORD";
    public static final String CASSANDRA_USER = "CASSANDRA_USERNAME";
    public static final String CASSANDRA_PASSWORD = "CASSANDRA_PASSWORD";
    public static final List<String> VARIABLES =
            List.of(KAFKA_USER, KAFKA_PASSWORD, CASSANDRA_USER, CASSANDRA_PASSWORD);

    /**
     * The security protocol and mechanism of the secured stack's Kafka listener, as the job and the clients name them.
     */
    public static final String KAFKA_PROTOCOL = "SASL_PLAINTEXT";

    public static final String KAFKA_MECHANISM = "PLAIN";

    /**
     * The broker's own login on its SASL listener (inter-broker traffic, transaction markers); its password is random
     * per start.
     */
    public static final String INTERNAL_BROKER_USER = "stack-broker";
    /**
     * Cassandra's built-in superuser: the stack logs in with it once, to create the configured role, and then disables
     * it.
     */
    public static final String DEFAULT_CASSANDRA_ROLE = "cassandra";

    /** Plain names: safe as a JAAS option name ({@code user_<name>}), a quoted CQL role name and in messages. */
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private static final int MAX_PASSWORD_CHARS = 512;

    public final String kafkaUser;
    public final String kafkaPassword;
    public final String cassandraUser;
    public final String cassandraPassword;

    private Credentials(String kafkaUser, String kafkaPassword, String cassandraUser, String cassandraPassword) {
        this.kafkaUser = kafkaUser;
        this.kafkaPassword = kafkaPassword;
        this.cassandraUser = cassandraUser;
        this.cassandraPassword = cassandraPassword;
    }

    /**
     * @param why the start of the one-line error when something is missing, e.g. "./stack up --secure needs"
     * @throws StackException (exit code 2) naming every missing or unusable variable, never a value
     */
    public static Credentials fromEnvironment(Map<String, String> environment, String why) {
        List<String> missing = new ArrayList<>();
        for (String variable : VARIABLES) {
            String value = environment.get(variable);
            if (value == null || value.isBlank()) {
                missing.add(variable);
            }
        }
        if (!missing.isEmpty()) {
            throw StackException.usage(why + " " + String.join(", ", missing)
                    + " in the environment (the user names and passwords of Kafka and Cassandra; "
                    + "passwords are never taken from the command line)");
        }
        Credentials c = new Credentials(
                environment.get(KAFKA_USER).trim(),
                environment.get(KAFKA_PASSWORD),
                environment.get(CASSANDRA_USER).trim(),
                environment.get(CASSANDRA_PASSWORD));
        checkUser(KAFKA_USER, c.kafkaUser, INTERNAL_BROKER_USER);
        checkUser(CASSANDRA_USER, c.cassandraUser, DEFAULT_CASSANDRA_ROLE);
        checkPassword(KAFKA_PASSWORD, c.kafkaPassword);
        checkPassword(CASSANDRA_PASSWORD, c.cassandraPassword);
        return c;
    }

    private static void checkUser(String variable, String user, String reserved) {
        if (!USER_NAME.matcher(user).matches()) {
            throw StackException.usage(variable
                    + " must be 1 to 64 letters, digits, '_', '.' or '-' (starting with a letter or digit), got '"
                    + user + "'");
        }
        if (user.equalsIgnoreCase(reserved)) {
            throw StackException.usage(
                    variable + " must not be '" + reserved + "': the secured stack reserves that name for itself");
        }
    }

    private static void checkPassword(String variable, String password) {
        if (password.length() > MAX_PASSWORD_CHARS) {
            throw StackException.usage(variable + " is longer than " + MAX_PASSWORD_CHARS + " characters");
        }
        if (password.chars().anyMatch(Character::isISOControl)) {
            throw StackException.usage(
                    variable + " contains a control character (a line break?): use printable characters only");
        }
    }

    /**
     * What the Flink processes (and the Flink CLI) get in their environment: the logins the job reads
     * ({@code KafkaConnectors}, {@code SalesClusterBuilder}) and the protocol its settings fall back to.
     */
    public Map<String, String> flinkEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_SECURITY_PROTOCOL", KAFKA_PROTOCOL);
        env.put("KAFKA_SASL_MECHANISM", KAFKA_MECHANISM);
        env.put(KAFKA_USER, kafkaUser);
        env.put(KAFKA_PASSWORD, kafkaPassword);
        env.put(CASSANDRA_USER, cassandraUser);
        env.put(CASSANDRA_PASSWORD, cassandraPassword);
        return env;
    }

    @Override
    public String toString() {
        return "Credentials[kafka user " + kafkaUser + ", cassandra user " + cassandraUser + ", passwords hidden]";
    }
}
