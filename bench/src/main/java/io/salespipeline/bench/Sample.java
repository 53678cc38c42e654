package io.salespipeline.bench;

/**
 * One reading of a job catching up: seconds since it was RUNNING, its throughput over the last readings, and its lag.
 */
record Sample(double seconds, double eventsPerSecond, long lag) {}
