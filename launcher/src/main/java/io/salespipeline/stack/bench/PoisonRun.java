package io.salespipeline.stack.bench;

/**
 * Step 8: a log as large as the clean one with a tenth of its messages malformed (every kind the
 * generator makes: not JSON, truncated, arrays, wrong types, invalid UTF-8, duplicate fields, ...),
 * replayed into the aggregates like step 5, so the two rates show what dead-lettering costs.
 */
record PoisonRun(Preload.Result preload, CatchUpRun.Result run) {

    static final double BAD_RATIO = 0.10;
}
