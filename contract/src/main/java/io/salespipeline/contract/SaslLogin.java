package io.salespipeline.contract;

import java.util.List;

/**
 * A Kafka client's SASL login as its {@code sasl.jaas.config} line, built the same way by the job
 * (whose password is a placeholder each client resolves from its own environment) and by the CLIs
 * (which hold the password).
 */
public final class SaslLogin {

    /** The mechanisms the stack and the job support, the default first. */
    public static final List<String> MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

    private SaslLogin() {}

    /**
     * The {@code sasl.jaas.config} of {@code mechanism} for {@code username}, whose password is
     * {@code quotedPassword}: a double-quoted JAAS value ({@link #quote}, or a placeholder in quotes
     * that resolves to an escaped value).
     */
    public static String jaasConfig(String mechanism, String username, String quotedPassword) {
        String module = mechanism.equals("PLAIN")
                ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        return module + " required username=" + quote(username) + " password=" + quotedPassword + ";";
    }

    /** {@code value} as a double-quoted JAAS option value. */
    public static String quote(String value) {
        return "\"" + escape(value) + "\"";
    }

    /** Kafka's JAAS parser reads backslash escapes inside double quotes. */
    public static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
