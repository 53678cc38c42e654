package io.salespipeline.bench;

import io.salespipeline.stack.cli.StackCommand;
import io.salespipeline.stack.local.LocalStack;
import io.salespipeline.stack.local.StackLayout;
import java.io.PrintStream;
import java.util.List;

/** {@code ./stack bench} as the launcher finds it (see {@link StackCommand}). */
public final class BenchStackCommand implements StackCommand {

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public int run(StackLayout layout, PrintStream out, PrintStream err, List<String> argv) {
        return new BenchCommand(layout, out, err, () -> new LocalStack(layout, out, err, System.getenv()).up())
                .run(argv);
    }
}
