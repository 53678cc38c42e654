package io.salespipeline.contract;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How long a view keeps a row, counted from the row's <b>event time</b> (a sale's row from the sale's time, a
 * window's row from the window's end), never from the write: job settings {@code --retention.<table> 90d}, or
 * {@value #NONE} to keep rows forever (the default of every view).
 *
 * <p>Cassandra counts a TTL from the write, so a table's {@code default_time_to_live} would give a row that a
 * reprocess writes today from a year-old log a whole retention from today. The job writes each row {@code USING TTL}
 * the time its retention has left, and does not write a row whose retention has passed, so a reprocess builds the
 * views the live run holds by then.
 */
public final class ViewRetention {

    private ViewRetention() {}

    /** The setting value that keeps a view's rows forever. */
    public static final String NONE = "none";

    /** The TTL Cassandra reads as "no TTL": the row is kept forever. */
    public static final int NO_TTL = 0;

    /** What {@link #ttlSeconds} answers for a row whose retention has already passed: it is not written. */
    public static final int EXPIRED = -1;

    /** Cassandra's longest TTL, 20 years: no retention may be longer. */
    public static final Duration LONGEST = Duration.ofSeconds(630_720_000L);

    /** The job setting of a view's retention, {@code retention.<table>}. */
    public static String settingKey(ViewTable view) {
        return "retention." + view.table();
    }

    /**
     * The TTL to write a row with: the seconds from {@code nowMs} until {@code retainedFromMs + retention}, rounded
     * up (a row never expires before its time), at most {@link #LONGEST}; {@link #NO_TTL} when {@code retention} is
     * null (kept forever); {@link #EXPIRED} when that time is not after {@code nowMs}.
     */
    public static int ttlSeconds(long retainedFromMs, Duration retention, long nowMs) {
        if (retention == null) {
            return NO_TTL;
        }
        long leftMs = retainedFromMs + retention.toMillis() - nowMs;
        if (leftMs <= 0) {
            return EXPIRED;
        }
        long seconds = (leftMs + 999) / 1000;
        return (int) Math.min(seconds, LONGEST.toSeconds());
    }

    /**
     * The retention text of each view a version of {@code schema} has, as its job settings give it ({@value #NONE}
     * where they do not), for a reader such as {@code ./replay status}.
     */
    public static Map<ViewTable, String> of(List<String> jobSettings, ViewSchema schema) {
        Map<ViewTable, String> retention = new EnumMap<>(ViewTable.class);
        for (ViewTable view : schema.tables()) {
            retention.put(
                    view, JobSetting.valueIn(jobSettings, settingKey(view)).orElse(NONE));
        }
        return retention;
    }
}
