package io.salespipeline.contract;

/**
 * The job's own metrics, as the job registers them and the launcher reads them back over REST
 * (where a metric is {@code <group>.<name>} and a label {@code <key>.<value>}; a reporter such as
 * Prometheus turns a label into one). Metric names carry no reason or view: those are labels.
 */
public final class Metrics {

    private Metrics() {}

    /** The source's parse metrics: valid events, dead letters, dead letters per {@link #REASON_LABEL}. */
    public static final String PARSE_GROUP = "parse";

    public static final String PARSED = "parsed";
    public static final String REJECTED = "rejected";
    public static final String REJECTED_BY_REASON = "rejected_by_reason";
    /** The label of {@link #REJECTED_BY_REASON}: a dead letter's reason code. */
    public static final String REASON_LABEL = "reason";

    /** Events the lateness gate routed to the late topic. */
    public static final String LATE_EVENTS = "late_events";
    /** Events a window found closed (label {@link #VIEW_LABEL}). */
    public static final String LATE_WINDOW_EVENTS = "late_window_events";
    /** How far behind the wall clock the newest valid event time is. */
    public static final String EVENT_TIME_LAG_MS = "event_time_lag_ms";

    /** The enrichment join's metrics: sales waiting for reference data, and what the join could not find. */
    public static final String ENRICHMENT_GROUP = "enrichment";

    public static final String WAITING_SALES = "waiting_sales";
    public static final String UNPRICED_SALES = "unpriced_sales";
    public static final String UNKNOWN_STORE_SALES = "unknown_store_sales";
    public static final String REFERENCE_VERSIONS = "reference_versions";

    /** The view writers' metrics: rows, expired rows, write retries and errors, each labelled {@link #VIEW_LABEL}. */
    public static final String VIEWS_GROUP = "views";

    public static final String ROWS = "rows";
    public static final String WRITE_RETRIES = "write_retries";
    public static final String WRITE_ERRORS = "write_errors";
    /** Rows not written because their view's retention, counted from their event time, had passed. */
    public static final String EXPIRED_ROWS = "expired_rows";
    /** The label whose value is a view's table name. */
    public static final String VIEW_LABEL = "view";

    /** A metric of a group as REST names it, e.g. {@code parse.parsed}. */
    public static String inGroup(String group, String name) {
        return group + "." + name;
    }
}
