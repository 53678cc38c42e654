package io.salespipeline.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.salespipeline.contract.SaslLogin;
import io.salespipeline.job.config.ConfigException;
import io.salespipeline.job.config.JobConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

class KafkaSecurityPropertiesTest {

    private static final String SECRET = "s3cret-that-must-not-travel";

    private static JobConfig sasl() {
        return JobConfig.fromArgs(
                new String[] {"--kafka.security-protocol", "SASL_PLAINTEXT", "--kafka.sasl-username", "pipeline"},
                Map.of());
    }

    @Test
    void thePasswordStaysInTheEnvironmentAndTheSettingsCarryOnlyAReference() {
        Properties props = KafkaConnectors.securityProperties(sasl(), Map.of("KAFKA_SASL_PASSWORD", SECRET));

        assertThat(props.toString()).doesNotContain(SECRET);
        assertThat(props.getProperty("sasl.jaas.config"))
                .isEqualTo("org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"pipeline\" password=\"${env:jaas-quoted:KAFKA_SASL_PASSWORD}\";");
        assertThat(props.getProperty("config.providers.env.class"))
                .isEqualTo(EnvironmentConfigProvider.class.getName());
    }

    @Test
    void aKafkaClientResolvesTheReferenceFromItsOwnEnvironment() {
        // PATH stands in for the password: it is set in every test JVM's environment
        Map<String, Object> settings = new HashMap<>();
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        settings.put("config.providers", "env");
        settings.put("config.providers.env.class", EnvironmentConfigProvider.class.getName());
        settings.put(
                "sasl.jaas.config", "x required password=\"" + EnvironmentConfigProvider.reference("PATH") + "\";");

        ConsumerConfig resolved = new ConsumerConfig(settings);

        assertThat(resolved.getPassword("sasl.jaas.config").value())
                .isEqualTo("x required password=\"" + System.getenv("PATH") + "\";");
    }

    @Test
    void aPasswordWithQuotesAndBackslashesIsEscapedForItsJaasQuotes() {
        assertThat(SaslLogin.escape("a\"b\\c")).isEqualTo("a\\\"b\\\\c");
    }

    @Test
    void theProviderReturnsOnlyVariablesThatAreSet() {
        EnvironmentConfigProvider provider = new EnvironmentConfigProvider();
        assertThat(provider.get("", Set.of("PATH", "SURELY_NOT_SET_ANYWHERE_4711"))
                        .data())
                .containsOnlyKeys("PATH");
    }

    @Test
    void aMissingPasswordIsAConfigurationError() {
        assertThatThrownBy(() -> KafkaConnectors.securityProperties(sasl(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("KAFKA_SASL_PASSWORD in the environment");
    }
}
