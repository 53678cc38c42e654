package io.salespipeline.stack.cli;

import io.salespipeline.stack.generate.EventPublisher;
import io.salespipeline.stack.generate.GenerateOptions;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/** {@code ./stack generate}: parses the options and hands them to the {@link EventPublisher}. */
public final class GenerateCommand {

    private final PrintStream out;
    private final EventPublisher publisher;
    private final Supplier<String> defaultBootstrap;

    /** @param defaultBootstrap the running stack's Kafka, asked only when {@code --bootstrap} is absent */
    GenerateCommand(PrintStream out, EventPublisher publisher, Supplier<String> defaultBootstrap) {
        this.out = out;
        this.publisher = publisher;
        this.defaultBootstrap = defaultBootstrap;
    }

    public int run(List<String> argv) {
        if (argv.contains("--help") || argv.contains("-h")) {
            out.println(GenerateOptions.USAGE);
            return 0;
        }
        GenerateOptions options = GenerateOptions.parse(argv, Instant::now);
        publisher.publish(options, options.bootstrap() != null ? options.bootstrap() : defaultBootstrap.get());
        return 0;
    }
}
