package io.salespipeline.bench;

/**
 * Step 8: a log as large as the clean one with a tenth of its messages malformed (every kind the
 * generator makes: not JSON, truncated, arrays, wrong types, invalid UTF-8, duplicate fields, ...),
 * replayed like step 4 (all views, the job as it runs in production: the judged comparison) and
 * like step 5 (aggregates only), so each rate has its clean counterpart from the same run.
 *
 * <p>Aggregates only is the harshest light on dead-lettering: there a valid event only updates
 * in-memory pre-aggregates, while every malformed one is still a Kafka write of its own.
 *
 * @param allViews null when step 4 did not run (nothing to compare it with)
 * @param aggregatesOnly null when step 5 did not run but step 4 did
 */
record PoisonRun(Preload.Result preload, CatchUpRun.Result allViews, CatchUpRun.Result aggregatesOnly) {

    static final double BAD_RATIO = 0.10;
    /** The two ways the poisoned log is replayed, as the report and the progress lines name them. */
    static final String ALL_VIEWS = "all views";

    static final String AGGREGATES_ONLY = "aggregates only";
}
