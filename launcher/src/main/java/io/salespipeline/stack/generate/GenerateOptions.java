package io.salespipeline.stack.generate;

import io.salespipeline.contract.Topic;
import io.salespipeline.stack.Args;
import io.salespipeline.stack.StackException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The checked options of {@code ./stack generate}: every mistake is a usage error naming the option.
 *
 * @param limit how many messages to send: exactly this many generated events, at most this many lines
 * @param rate messages per second, 0 for as fast as the broker takes them
 * @param events what to generate, or null when sending lines of {@code file} or stdin
 * @param bootstrap null for the running stack's Kafka
 * @param file null unless sending the lines of a file
 * @param reference where generated events' item catalog and store directory go ({@link ReferenceData}); null for
 *     nowhere
 */
public record GenerateOptions(
        long limit,
        double rate,
        EventGenerator.Settings events,
        String topic,
        String bootstrap,
        Path file,
        boolean stdin,
        ReferenceTopics reference) {

    /** The topics of the reference data. */
    public record ReferenceTopics(String itemCatalog, String storeDirectory) {
        public static final ReferenceTopics DEFAULT =
                new ReferenceTopics(Topic.ITEM_CATALOG.defaultName(), Topic.STORE_DIRECTORY.defaultName());

        String of(Topic topic) {
            return topic == Topic.ITEM_CATALOG ? itemCatalog : storeDirectory;
        }
    }

    public static final String USAGE = String.join(
            "\n",
            "usage: ./stack generate --count N [--rate R] [--stores S] [--items I] [--bad-ratio X] [--late-ratio Y]",
            "                        [--seed K] [--start-time ISO|now] [--topic T] [--bootstrap HOST:PORT]",
            "       ./stack generate (--file PATH | --stdin) [--count N] [--rate R] [--topic T] [--bootstrap "
                    + "HOST:PORT]",
            "Sends sales events to Kafka, keyed by store_id; the same options send the same messages.",
            "Generated events come after their item catalog and store directory (for --enrichment): prices from a",
            "day before the first event, a third repriced halfway through, the last item delisted at three",
            "quarters, the last store not listed; --no-reference sends the events alone.",
            "With --file or --stdin, sends each non-empty line as it is, without key, like kafka-console-producer.",
            "  --count N            events to send (with --file/--stdin: at most this many lines)",
            "  --rate R             events per second; 0 or absent: as fast as Kafka acknowledges",
            "  --stores S           stores, 1.." + Catalog.MAX_STORES + " (default " + Defaults.STORES
                    + "); the first ones are much busier",
            "  --items I            goods, 1.." + Catalog.MAX_ITEMS + " (default " + Defaults.ITEMS
                    + "); the first ones sell much more",
            "  --bad-ratio X        fraction of malformed messages, 0..1 (default 0): not JSON, truncated, "
                    + "wrong type, ...",
            "  --late-ratio Y       fraction of the other events sent 5-30 min behind event time, 0..1 (default 0)",
            "  --seed K             seed of every random choice (default " + Defaults.SEED + ")",
            "  --start-time T       event time of the first event: an ISO-8601 instant or now (default "
                    + Defaults.START_TIME + ");",
            "                       event time then advances 1/R s per event (1 ms when --rate is 0), never "
                    + "by the wall clock",
            "  --topic T            default " + Defaults.TOPIC,
            "  --item-catalog-topic T, --store-directory-topic T",
            "                       default " + Topic.ITEM_CATALOG.defaultName() + ", "
                    + Topic.STORE_DIRECTORY.defaultName(),
            "  --bootstrap H:P      default the running stack's Kafka (./stack status --env)");

    /** Defaults, as the usage text shows them. */
    public static final class Defaults {
        private Defaults() {}

        public static final int STORES = 20;
        public static final int ITEMS = 30;
        public static final long SEED = 1;
        /** The moment of the producer's sample event (1530305100936), so examples and tests agree. */
        public static final Instant START_TIME = Instant.parse("2018-06-29T20:45:00Z");

        public static final String TOPIC = Topic.ITEM_SALES.defaultName();
    }

    /** The pipeline accepts event times in [2000, 2100); a year of margin keeps late and long runs inside. */
    private static final Instant EARLIEST_START = Instant.parse("2001-01-01T00:00:00Z");

    private static final Instant LATEST_START = Instant.parse("2099-01-01T00:00:00Z");

    private static final Set<String> VALUED = Set.of(
            "count",
            "rate",
            "stores",
            "items",
            "bad-ratio",
            "late-ratio",
            "seed",
            "start-time",
            "topic",
            "item-catalog-topic",
            "store-directory-topic",
            "bootstrap",
            "file");
    private static final Set<String> FLAGS = Set.of("stdin", "no-reference");
    /** Options that shape generated events, meaningless for lines sent as they are. */
    private static final List<String> GENERATOR_ONLY =
            List.of("stores", "items", "bad-ratio", "late-ratio", "seed", "start-time");

    /** @param wallClock read once, and only for {@code --start-time now} */
    public static GenerateOptions parse(List<String> argv, Supplier<Instant> wallClock) {
        Map<String, String> given = read(argv);
        boolean stdin = given.containsKey("stdin");
        Path file = given.containsKey("file") ? Path.of(given.get("file")) : null;
        if (stdin && file != null) {
            throw StackException.usage("--file and --stdin exclude each other");
        }
        Long count = given.containsKey("count") ? longValue(given, "count") : null;
        if (count != null && count < 1) {
            throw StackException.usage("--count must be >= 1, got " + given.get("count"));
        }
        double rate = given.containsKey("rate") ? doubleValue(given, "rate") : 0;
        if (rate < 0) {
            throw StackException.usage("--rate must be >= 0, got " + given.get("rate"));
        }
        String topic = given.getOrDefault("topic", Defaults.TOPIC);
        if (topic.isBlank()) {
            throw StackException.usage("--topic must not be empty");
        }
        String bootstrap = given.get("bootstrap");
        if (bootstrap != null && !bootstrap.matches("[^\\s,]+:[0-9]{1,5}(,[^\\s,]+:[0-9]{1,5})*")) {
            throw StackException.usage("--bootstrap expects host:port, got '" + bootstrap + "'");
        }
        if (stdin || file != null) {
            for (String option : GENERATOR_ONLY) {
                if (given.containsKey(option)) {
                    throw StackException.usage("--" + option + " shapes generated events; it does not apply to --"
                            + (stdin ? "stdin" : "file"));
                }
            }
            if (file != null && !Files.isReadable(file)) {
                throw StackException.usage("--file " + file + ": no such readable file");
            }
            if (given.containsKey("no-reference")) {
                throw StackException.usage(
                        "--no-reference: --" + (stdin ? "stdin" : "file") + " sends no reference data");
            }
            return new GenerateOptions(
                    count == null ? Long.MAX_VALUE : count, rate, null, topic, bootstrap, file, stdin, null);
        }
        if (count == null) {
            throw StackException.usage("--count is required (or send lines with --file PATH or --stdin)");
        }
        return generated(
                        count,
                        rate,
                        topic,
                        bootstrap,
                        given.containsKey("stores") ? longValue(given, "stores") : Defaults.STORES,
                        given.containsKey("items") ? longValue(given, "items") : Defaults.ITEMS,
                        given.containsKey("bad-ratio") ? doubleValue(given, "bad-ratio") : 0,
                        given.containsKey("late-ratio") ? doubleValue(given, "late-ratio") : 0,
                        given.containsKey("seed") ? longValue(given, "seed") : Defaults.SEED,
                        startTime(given.get("start-time"), wallClock))
                .withReference(
                        given.containsKey("no-reference")
                                ? null
                                : new ReferenceTopics(
                                        nonBlank(given, "item-catalog-topic", Topic.ITEM_CATALOG.defaultName()),
                                        nonBlank(given, "store-directory-topic", Topic.STORE_DIRECTORY.defaultName())));
    }

    private static String nonBlank(Map<String, String> given, String option, String defaultValue) {
        String value = given.getOrDefault(option, defaultValue);
        if (value.isBlank()) {
            throw StackException.usage("--" + option + " must not be empty");
        }
        return value;
    }

    /** The same events, sent after their reference data to {@code topics} (none when null). */
    public GenerateOptions withReference(ReferenceTopics topics) {
        return new GenerateOptions(limit, rate, events, topic, bootstrap, file, stdin, topics);
    }

    /** The event time the generated events cover: one event per 1/R s of event time (see {@link EventGenerator}). */
    Duration eventTimeSpan() {
        return Duration.ofMillis((long) Math.ceil(limit * 1000 / events.eventTimeRate()));
    }

    /**
     * Generated events for a caller that has no command line (the demo, the bench), checked as
     * {@code ./stack generate} checks its options, each error naming the option.
     */
    public static GenerateOptions generated(
            long count,
            double rate,
            String topic,
            String bootstrap,
            long stores,
            long items,
            double badRatio,
            double lateRatio,
            long seed,
            Instant startTime) {
        EventGenerator.Settings events = new EventGenerator.Settings(
                seed,
                inRange("stores", stores, Catalog.MAX_STORES),
                inRange("items", items, Catalog.MAX_ITEMS),
                ratio("bad-ratio", badRatio),
                ratio("late-ratio", lateRatio),
                withinPipelineYears(startTime).toEpochMilli(),
                rate);
        return new GenerateOptions(count, rate, events, topic, bootstrap, null, false, null);
    }

    private static Map<String, String> read(List<String> argv) {
        Args args = Args.parse(argv, VALUED, FLAGS);
        if (!args.positional().isEmpty()) {
            throw StackException.usage(
                    "generate takes no arguments, got '" + args.positional().get(0) + "'");
        }
        Map<String, String> given = new HashMap<>();
        args.options().forEach((name, value) -> given.put(name, value.trim()));
        return given;
    }

    private static long longValue(Map<String, String> given, String name) {
        try {
            return Long.parseLong(given.get(name));
        } catch (NumberFormatException e) {
            throw StackException.usage("option --" + name + " expects a whole number, got '" + given.get(name) + "'");
        }
    }

    private static double doubleValue(Map<String, String> given, String name) {
        double value;
        try {
            value = Double.parseDouble(given.get(name));
        } catch (NumberFormatException e) {
            value = Double.NaN;
        }
        if (!Double.isFinite(value)) {
            throw StackException.usage("option --" + name + " expects a number, got '" + given.get(name) + "'");
        }
        return value;
    }

    private static int inRange(String name, long value, int max) {
        if (value < 1 || value > max) {
            throw StackException.usage("--" + name + " must be between 1 and " + max + ", got " + value);
        }
        return (int) value;
    }

    private static double ratio(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw StackException.usage("--" + name + " must be between 0 and 1, got " + value);
        }
        return value;
    }

    private static Instant startTime(String text, Supplier<Instant> wallClock) {
        if (text == null) {
            return Defaults.START_TIME;
        }
        Instant start;
        if (text.equals("now")) {
            start = wallClock.get();
        } else {
            try {
                start = Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw StackException.usage("--start-time expects an ISO-8601 instant such as " + Defaults.START_TIME
                        + " or now, got '" + text + "'");
            }
        }
        return start;
    }

    private static Instant withinPipelineYears(Instant start) {
        if (start.isBefore(EARLIEST_START) || !start.isBefore(LATEST_START)) {
            throw StackException.usage("--start-time must be from " + EARLIEST_START + " to before " + LATEST_START
                    + " (the pipeline accepts event times in 2000..2099), got " + start);
        }
        return start;
    }
}
