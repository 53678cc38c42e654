package io.salespipeline.stack.cli;

import io.salespipeline.stack.local.StackLayout;
import java.io.PrintStream;
import java.util.List;

/**
 * A {@code ./stack} command built in a module of its own (the bench), found on the classpath with
 * {@link java.util.ServiceLoader}, so the launcher does not depend on it.
 */
public interface StackCommand {

    /** The word after {@code ./stack}. */
    String name();

    int run(StackLayout layout, PrintStream out, PrintStream err, List<String> argv);
}
