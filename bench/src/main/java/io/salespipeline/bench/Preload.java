package io.salespipeline.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.salespipeline.stack.Progress;
import io.salespipeline.stack.generate.EventPublisher;
import io.salespipeline.stack.generate.GenerateOptions;
import io.salespipeline.stack.generate.StatusLine;
import java.io.PrintStream;
import java.util.Map;

/**
 * Step 1: fills a fresh topic with N events from the generator ({@code ./stack generate}), as fast
 * as Kafka acknowledges them. Events are well-formed and on time (the generator's defaults), so
 * every event makes the two record rows the ceilings and the replay are compared on.
 */
final class Preload {

    /** @param perPartition events per partition: keyed by store, the Zipf-skewed stores make partitions uneven */
    record Result(long events, double seconds, Map<Integer, Long> perPartition) {
        @JsonProperty
        double eventsPerSecond() {
            return events / seconds;
        }
    }

    private final BenchEnv env;
    private final PrintStream out;
    private final PrintStream err;

    Preload(BenchEnv env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    Result run(String topic, long events) {
        return run(topic, events, 0);
    }

    /** @param badRatio the share of malformed messages, each of a kind the generator picks */
    Result run(String topic, long events, double badRatio) {
        GenerateOptions options = GenerateOptions.generated(
                events,
                0,
                topic,
                env.kafkaBootstrap,
                GenerateOptions.Defaults.STORES,
                GenerateOptions.Defaults.ITEMS,
                badRatio,
                0,
                GenerateOptions.Defaults.SEED,
                GenerateOptions.Defaults.START_TIME);
        long start = System.nanoTime();
        new EventPublisher(StatusLine.of(new Progress(err), Progress::update, Progress::finish))
                .publish(options, env.kafkaBootstrap);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(env.totalEvents(topic), seconds, env.log.endOffsets(topic));
    }
}
