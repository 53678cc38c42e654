package io.salespipeline.bench;

import io.salespipeline.stack.StackException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The steps of {@code ./stack bench}, in the order they run; each can be skipped by its name. */
enum Step {
    PRELOAD("preload", "1 preload"),
    KAFKA("kafka", "2 Kafka ceiling"),
    CASSANDRA("cassandra", "3 Cassandra ceiling"),
    REPLAY("replay", "4 replay, all views"),
    AGGREGATES("aggregates", "5 aggregates only"),
    LATENCY("latency", "6 latency"),
    RECOVERY("recovery", "7 recovery"),
    POISON("poison", "8 poison input");

    final String option;
    final String title;

    Step(String option, String title) {
        this.option = option;
        this.title = title;
    }

    /** The steps that read the preloaded log. */
    boolean readsPreload() {
        return this == KAFKA || this == CASSANDRA || this == REPLAY || this == AGGREGATES;
    }

    static Step named(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(s -> s.option.equals(wanted))
                .findFirst()
                .orElseThrow(
                        () -> StackException.usage("--skip: no step '" + name.trim() + "' (steps: " + names() + ")"));
    }

    static String names() {
        return Arrays.stream(values()).map(s -> s.option).collect(Collectors.joining(", "));
    }
}
