package io.salespipeline.bench;

import io.salespipeline.stack.Args;
import io.salespipeline.stack.StackException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checked options of {@code ./stack bench}; every mistake is a usage error naming the option.
 *
 * @param topic an existing topic to read instead of preloading a fresh one (null: preload)
 * @param jobArgs job settings given after {@code --}, appended to every job the bench submits
 * @param flinkConfiguration Flink options for every job the bench submits (state backend, checkpoint interval, ...),
 *     over the cluster's own
 */
record BenchOptions(
        long events,
        int partitions,
        long sample,
        int warmupSeconds,
        List<Integer> latencyRates,
        int latencySeconds,
        int recoveryRate,
        int parallelism,
        Set<Step> skip,
        Path out,
        Path jar,
        String topic,
        boolean keep,
        List<String> jobArgs,
        Map<String, String> flinkConfiguration) {

    static final String USAGE = String.join(
            "\n",
            "usage: ./stack bench [options] [-- job settings]",
            "Measures, side by side on this machine: the Kafka and Cassandra ceilings, the job replaying the "
                    + "log into all",
            "views and into the aggregates only, produce-to-view latency at fixed rates, recovery from a killed",
            "TaskManager, and the aggregates replay of an equally large log with 10 % malformed messages.",
            "Fresh topics and keyspaces (bench_<time>...), dropped at the end unless --keep.",
            "  --events N             events to preload (default 10M; k and M suffixes work)",
            "  --partitions P         partitions of the preloaded topic (default 4)",
            "  --sample N             rows the Cassandra ceiling times after its warm-up (default 1M)",
            "  --warmup SECONDS       Cassandra writes before the timed sample (default 20: a fresh node "
                    + "starts ~3x slower)",
            "  --latency-rates R,R    fixed rates of the latency step, events/s (default 2000,10000)",
            "  --latency-seconds S    timed seconds per latency rate, after at least 30 s at that rate (default 30)",
            "  --recovery-rate R      steady load while the TaskManager is killed, events/s (default 5000)",
            "  --parallelism P        of every job the bench submits (default 4: one subtask per partition of "
                    + "the log, as the stack's 4 slots allow)",
            "  --skip STEP[,STEP]     skip steps: " + Step.names(),
            "  --topic NAME           replay this existing topic instead of preloading a fresh one (kept)",
            "  --jar PATH             the job jar (default job/target/sales-pipeline-job-*.jar)",
            "  --out DIR              where results go (default target/bench in the repository)",
            "  --keep                 keep the bench topics and keyspaces",
            "  --flink KEY=VALUE[,..] Flink options for every job, over the cluster's (e.g. "
                    + "state.backend.type=hashmap,",
            "                         execution.checkpointing.interval=30s): A/B runs of cluster settings "
                    + "without a restart",
            "Job settings after -- go to every job, e.g. -- --cassandra.max-concurrent-requests 512");

    static final long DEFAULT_EVENTS = 10_000_000;

    private static final Set<String> VALUED = Set.of(
            "events",
            "partitions",
            "sample",
            "warmup",
            "latency-rates",
            "latency-seconds",
            "recovery-rate",
            "parallelism",
            "skip",
            "topic",
            "jar",
            "out",
            "flink");
    private static final Set<String> FLAGS = Set.of("keep");

    static BenchOptions parse(List<String> argv, Path repoRoot) {
        int separator = argv.indexOf("--");
        List<String> options = separator < 0 ? argv : argv.subList(0, separator);
        List<String> jobArgs = separator < 0 ? List.of() : List.copyOf(argv.subList(separator + 1, argv.size()));
        Args args = Args.parse(options, VALUED, FLAGS);
        if (!args.positional().isEmpty()) {
            throw StackException.usage(
                    "bench takes no arguments, got '" + args.positional().get(0) + "' (job settings go after --)");
        }
        Set<Step> skip = EnumSet.noneOf(Step.class);
        if (args.value("skip") != null) {
            Arrays.stream(args.value("skip").split(","))
                    .filter(s -> !s.isBlank())
                    .map(Step::named)
                    .forEach(skip::add);
        }
        String topic = args.value("topic");
        if (topic != null) {
            if (topic.isBlank()) {
                throw StackException.usage("--topic must not be empty");
            }
            if (args.value("events") != null || args.value("partitions") != null) {
                throw StackException.usage(
                        "--topic replays an existing topic: its size and partitions are what they are (drop "
                                + "--events, --partitions)");
            }
            // an existing log needs no preload
            skip.add(Step.PRELOAD);
        } else if (skip.contains(Step.PRELOAD)) {
            List<String> needing = Arrays.stream(Step.values())
                    .filter(s -> s.readsPreload() && !skip.contains(s))
                    .map(s -> s.option)
                    .toList();
            if (!needing.isEmpty()) {
                throw StackException.usage("--skip preload: " + String.join(", ", needing)
                        + " read the preloaded log; skip them too or name a log with --topic");
            }
        }
        return new BenchOptions(
                count(args, "events", DEFAULT_EVENTS),
                (int) positive(args, "partitions", 4),
                count(args, "sample", 1_000_000),
                (int) nonNegative(args, "warmup", 20),
                rates(args.value("latency-rates")),
                (int) positive(args, "latency-seconds", 30),
                (int) positive(args, "recovery-rate", 5000),
                (int) positive(args, "parallelism", 4),
                skip,
                args.value("out") != null ? Path.of(args.value("out")) : repoRoot.resolve("target/bench"),
                args.value("jar") != null ? Path.of(args.value("jar")) : null,
                topic,
                args.flag("keep"),
                jobArgs,
                flinkConfiguration(args.value("flink")));
    }

    boolean runs(Step step) {
        return !skip.contains(step);
    }

    /** A count such as 10000000, 10M or 500k. */
    static long parseCount(String option, String text) {
        String t = text.trim().replace("_", "");
        long factor = 1;
        if (t.endsWith("k") || t.endsWith("K")) {
            factor = 1_000;
        } else if (t.endsWith("m") || t.endsWith("M")) {
            factor = 1_000_000;
        }
        if (factor > 1) {
            t = t.substring(0, t.length() - 1);
        }
        long value;
        try {
            value = Math.multiplyExact(Long.parseLong(t), factor);
        } catch (NumberFormatException | ArithmeticException e) {
            throw StackException.usage("--" + option + " expects a count such as 1000000 or 1M, got '" + text + "'");
        }
        if (value <= 0) {
            throw StackException.usage("--" + option + " must be positive, got " + text);
        }
        return value;
    }

    private static long count(Args args, String option, long defaultValue) {
        return args.value(option) == null ? defaultValue : parseCount(option, args.value(option));
    }

    private static long positive(Args args, String option, long defaultValue) {
        long value = count(args, option, defaultValue);
        if (value > Integer.MAX_VALUE) {
            throw StackException.usage("--" + option + " is too large: " + value);
        }
        return value;
    }

    private static long nonNegative(Args args, String option, long defaultValue) {
        return "0".equals(args.value(option)) ? 0 : positive(args, option, defaultValue);
    }

    private static Map<String, String> flinkConfiguration(String text) {
        if (text == null) {
            return Map.of();
        }
        Map<String, String> configuration = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? "" : part.substring(0, eq).strip();
            String value = eq < 0 ? "" : part.substring(eq + 1).strip();
            if (key.isEmpty() || value.isEmpty()) {
                throw StackException.usage(
                        "--flink expects KEY=VALUE pairs separated by commas, e.g. state.backend.type=hashmap, got '"
                                + part.strip() + "'");
            }
            if (configuration.put(key, value) != null) {
                throw StackException.usage("--flink gives " + key + " twice");
            }
        }
        return Collections.unmodifiableMap(configuration);
    }

    private static List<Integer> rates(String text) {
        if (text == null) {
            return List.of(2_000, 10_000);
        }
        List<Integer> rates = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                long rate = parseCount("latency-rates", part);
                if (rate > Integer.MAX_VALUE) {
                    throw StackException.usage("--latency-rates: " + part.trim() + " is too large");
                }
                rates.add((int) rate);
            }
        }
        if (rates.isEmpty()) {
            throw StackException.usage("--latency-rates needs at least one rate, e.g. 2000,10000");
        }
        return List.copyOf(rates);
    }
}
