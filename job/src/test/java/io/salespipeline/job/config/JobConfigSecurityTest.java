package io.salespipeline.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How the job learns to log in: protocol, mechanism and users from arguments or the environment, passwords only from
 * the environment.
 */
class JobConfigSecurityTest {

    @Test
    void aSecuredStacksEnvironmentTurnsSaslOnWithoutArguments() {
        JobConfig config = JobConfig.fromArgs(
                new String[0],
                Map.of(
                        "KAFKA_SECURITY_PROTOCOL",
                        "SASL_PLAINTEXT",
                        "KAFKA_SASL_MECHANISM",
                        "PLAIN",
                        "KAFKA_SASL_USERNAME",
                        "pipeline",
                        "KAFKA_SASL_PASSWORD",
                        "secret",
                        "CASSANDRA_USERNAME",
                        "owner",
                        "CASSANDRA_PASSWORD",
                        "secret2"));
        assertThat(config.kafkaSecurityProtocol).isEqualTo("SASL_PLAINTEXT");
        assertThat(config.kafkaSaslMechanism).isEqualTo("PLAIN");
        assertThat(config.kafkaSaslUsername).isEqualTo("pipeline");
        assertThat(config.cassandraUsername).isEqualTo("owner");
        assertThat(config.describe())
                .containsEntry("kafka.security-protocol", "SASL_PLAINTEXT")
                .containsEntry("kafka.sasl-mechanism", "PLAIN");
        assertThat(config.describe().values()).doesNotContain("secret", "secret2");
    }

    @Test
    void argumentsWinOverTheEnvironment() {
        JobConfig config = JobConfig.fromArgs(
                new String[] {"--kafka.security-protocol", "PLAINTEXT", "--kafka.sasl-username", "other"},
                Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "KAFKA_SASL_USERNAME", "pipeline"));
        assertThat(config.kafkaSecurityProtocol).isEqualTo("PLAINTEXT");
        assertThat(config.kafkaSaslUsername).isEqualTo("other");
        assertThat(config.describe()).doesNotContainKey("kafka.sasl-mechanism");
    }

    @Test
    void aBadProtocolInTheEnvironmentIsOneLine() {
        assertThatThrownBy(() -> JobConfig.fromArgs(new String[0], Map.of("KAFKA_SECURITY_PROTOCOL", "SSL")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.security-protocol");
    }

    @Test
    void passwordsAreRefusedOnTheCommandLine() {
        assertThatThrownBy(() -> JobConfig.fromArgs(new String[] {"--kafka.sasl-password", "x"}, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not accepted on the command line");
        assertThatThrownBy(() -> JobConfig.fromArgs(new String[] {"--cassandra.password=x"}, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not accepted on the command line");
    }
}
