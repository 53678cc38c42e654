package io.salespipeline.job.sinks;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Write retries and errors per view, counted where the driver sees them (its retry policy and the
 * write callbacks have no access to Flink metrics). Counted per TaskManager JVM and
 * published as gauges by the row mappers of that JVM.
 */
final class WriteFailures {

    private static final ConcurrentHashMap<String, AtomicLong> RETRIES = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, AtomicLong> ERRORS = new ConcurrentHashMap<>();

    private WriteFailures() {}

    static AtomicLong retries(String view) {
        return RETRIES.computeIfAbsent(view, v -> new AtomicLong());
    }

    static AtomicLong errors(String view) {
        return ERRORS.computeIfAbsent(view, v -> new AtomicLong());
    }
}
