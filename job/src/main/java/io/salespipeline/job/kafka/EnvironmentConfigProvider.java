package io.salespipeline.job.kafka;

import io.salespipeline.contract.SaslLogin;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.provider.ConfigProvider;

/**
 * Resolves {@code ${env:NAME}} in Kafka client settings from the environment of the process that
 * builds the client (kafka-clients 3.4, which the connector brings, has no such provider yet). The
 * job's SASL settings carry the placeholder, so the password itself never enters the job graph:
 * each TaskManager and the JobManager's split enumerator read it where they log in.
 */
public final class EnvironmentConfigProvider implements ConfigProvider {

    /** The provider name in {@code ${env:NAME}}. */
    public static final String NAME = "env";
    /** The path in {@code ${env:jaas-quoted:NAME}}: the value escaped for a double-quoted JAAS option. */
    public static final String JAAS_QUOTED = "jaas-quoted";

    @Override
    public void configure(Map<String, ?> configs) {}

    @Override
    public ConfigData get(String path) {
        return new ConfigData(Map.of());
    }

    @Override
    public ConfigData get(String path, Set<String> keys) {
        Map<String, String> values = new HashMap<>();
        for (String key : keys) {
            String value = System.getenv(key);
            if (value != null) {
                values.put(key, JAAS_QUOTED.equals(path) ? SaslLogin.escape(value) : value);
            }
        }
        return new ConfigData(values);
    }

    @Override
    public void close() {}

    /** The placeholder for an environment variable, to put in a client setting. */
    public static String reference(String variable) {
        return "${" + NAME + ":" + variable + "}";
    }

    /** The placeholder for an environment variable inside a double-quoted JAAS option value. */
    public static String jaasQuotedReference(String variable) {
        return "${" + NAME + ":" + JAAS_QUOTED + ":" + variable + "}";
    }
}
