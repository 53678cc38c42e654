package io.salespipeline.testkit;

import com.datastax.oss.driver.api.core.CqlSession;
import io.salespipeline.contract.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The topics and keyspace one test class owns on the shared stack: names carry a per-class
 * prefix, so classes never see each other's data. Dropped when the class is done.
 */
public final class TestNamespace implements ExtensionContext.Store.CloseableResource {

    private final String prefix;
    private final StackEndpoints endpoints;
    private final List<String> topics = new ArrayList<>();
    private final List<String> keyspaces = new ArrayList<>();

    private TestNamespace(String prefix, StackEndpoints endpoints) {
        this.prefix = prefix;
        this.endpoints = endpoints;
    }

    static TestNamespace forClass(Class<?> testClass, StackEndpoints endpoints) {
        String base = testClass.getSimpleName().replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
        base = base.substring(0, Math.min(base.length(), 30));
        String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
        return new TestNamespace("t_" + base + "_" + suffix, endpoints);
    }

    public StackEndpoints endpoints() {
        return endpoints;
    }

    /** A topic name of this class: {@code <prefix>_<base>}. */
    public String topic(String base) {
        return prefix + "_" + base;
    }

    /** The keyspace of this class (views schema applied by {@link #createViewsKeyspace()}). */
    public String keyspace() {
        return prefix;
    }

    /** Creates {@code topic(base)} with this many partitions and the settings of its {@code role}. */
    public String createTopic(String base, int partitions, Topic role) {
        String name = topic(base);
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(role.configs())))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e.getMessage(), e);
        }
        topics.add(name);
        return name;
    }

    /** Applies the plain logic's views schema of {@code cql/} to this class's keyspace, through {@code ./stack cql}. */
    public String createViewsKeyspace() {
        return createViewsKeyspace(false);
    }

    /** The same with the columns of the enriched logic when {@code enriched}. */
    public String createViewsKeyspace(boolean enriched) {
        return createViewsKeyspace(keyspace(), enriched);
    }

    /**
     * A second keyspace of this class, {@code <keyspace>_enriched}, with the views schema of the enriched logic: its
     * columns never reach the class's own keyspace, which other tests read as the plain logic's.
     */
    public String createEnrichedViewsKeyspace() {
        return createViewsKeyspace(keyspace() + "_enriched", true);
    }

    private String createViewsKeyspace(String name, boolean enriched) {
        List<String> args =
                new ArrayList<>(List.of("cql", "--contact", endpoints.cassandraContact(), "--keyspace", name));
        if (enriched) {
            args.add("--enriched");
        }
        StackScript.Result result =
                new StackScript(endpoints.repoRoot()).run(Duration.ofMinutes(2), false, args.toArray(String[]::new));
        if (result.exitCode() != 0) {
            throw new IllegalStateException("applying the views schema to " + name + " failed:\n" + result.output());
        }
        keyspaces.add(name);
        return name;
    }

    public Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap());
        return Admin.create(props);
    }

    public CqlSession cqlSession() {
        return CqlSession.builder()
                .addContactPoint(endpoints.cassandraAddress())
                .withLocalDatacenter("datacenter1")
                .build();
    }

    @Override
    public void close() {
        if (!topics.isEmpty()) {
            try (Admin admin = admin()) {
                admin.deleteTopics(topics).all().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("could not delete test topics " + topics + ": " + e.getMessage());
            }
        }
        for (String keyspace : keyspaces) {
            try (CqlSession session = cqlSession()) {
                session.execute(com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance(
                                "DROP KEYSPACE IF EXISTS " + keyspace)
                        .setTimeout(Duration.ofSeconds(60)));
            } catch (RuntimeException e) {
                System.err.println("could not drop test keyspace " + keyspace + ": " + e.getMessage());
            }
        }
    }
}
