package io.salespipeline.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives integration tests the real Kafka, Cassandra and Flink: {@code @ExtendWith(RealStackExtension.class)}
 * and a {@link StackEndpoints} or {@link TestNamespace} parameter.
 *
 * <p>The stack starts once per test JVM through {@code ./stack up}, or an already running one is
 * reused (and then left running). One this extension started is stopped when the JVM's tests end,
 * unless {@code STACK_KEEP=true}. With {@code -Dstack.backend=testcontainers} (machines with a
 * Docker engine) Kafka and Cassandra come from the official images instead, without a Flink
 * cluster. Each test class gets a {@link TestNamespace} of its own: its own topics and keyspace.
 */
public final class RealStackExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(RealStackExtension.class);
    private static final Duration UP_TIMEOUT = Duration.ofMinutes(6);

    @Override
    public void beforeAll(ExtensionContext context) {
        endpoints(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == StackEndpoints.class || type == TestNamespace.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context)
            throws ParameterResolutionException {
        StackEndpoints endpoints = endpoints(context);
        if (parameter.getParameter().getType() == StackEndpoints.class) {
            return endpoints;
        }
        ExtensionContext classContext =
                context.getTestClass().isPresent() && context.getTestMethod().isPresent()
                        ? context.getParent().orElse(context)
                        : context;
        return classContext
                .getStore(STORE)
                .getOrComputeIfAbsent(
                        TestNamespace.class,
                        k -> TestNamespace.forClass(classContext.getRequiredTestClass(), endpoints),
                        TestNamespace.class);
    }

    /** The stack for this JVM, started on first use. */
    public static StackEndpoints endpoints(ExtensionContext context) {
        return context.getRoot()
                .getStore(STORE)
                .getOrComputeIfAbsent(RunningStack.class, k -> startStack(), RunningStack.class)
                .endpoints;
    }

    private static RunningStack startStack() {
        String backend = System.getProperty("stack.backend", System.getenv().getOrDefault("STACK_BACKEND", "local"))
                .toLowerCase(Locale.ROOT);
        Path root = StackScript.locateRepoRoot();
        if (backend.equals("testcontainers")) {
            return TestcontainersBackend.start(root);
        }
        if (!backend.equals("local")) {
            throw new IllegalStateException(
                    "unknown stack.backend '" + backend + "': use local (./stack) or testcontainers");
        }
        StackScript stack = new StackScript(root);
        StackScript.Result already = stack.run(Duration.ofMinutes(5), false, "status", "--env");
        if (already.exitCode() == 0) {
            return new RunningStack(StackScript.parseEnv(already.lines(), root), null);
        }
        StackScript.Result up = stack.run(UP_TIMEOUT, true, "up");
        if (up.exitCode() != 0) {
            throw new IllegalStateException("./stack up failed (exit " + up.exitCode() + "):\n" + up.output());
        }
        StackEndpoints endpoints = StackScript.parseEnv(
                stack.run(Duration.ofMinutes(1), false, "status", "--env").lines(), root);
        boolean keep = "true".equalsIgnoreCase(System.getenv("STACK_KEEP"));
        return new RunningStack(endpoints, keep ? null : () -> stack.run(Duration.ofMinutes(3), true, "down"));
    }

    /** The stack and how to stop it when the JVM's tests are done (null: leave it running). */
    static final class RunningStack implements ExtensionContext.Store.CloseableResource {
        final StackEndpoints endpoints;
        private final Runnable stopper;

        RunningStack(StackEndpoints endpoints, Runnable stopper) {
            this.endpoints = endpoints;
            this.stopper = stopper;
        }

        @Override
        public void close() {
            if (stopper != null) {
                stopper.run();
            }
        }
    }
}
