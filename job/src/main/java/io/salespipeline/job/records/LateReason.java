package io.salespipeline.job.records;

/**
 * Why an event went to the late topic instead of the aggregates. The {@link #code()} is the wire
 * value in the late envelope and must never change once envelopes carrying it exist.
 */
public enum LateReason {
    /**
     * The event is beyond the allowed lateness behind its own partition: its event time plus the
     * lateness is below the watermark that the valid events before it in the same partition define
     * (their highest event time minus the out-of-orderness). A property of the log alone: every
     * replay, at any speed and parallelism, sends the same events here.
     */
    BEHIND_ITS_PARTITION("BEHIND_ITS_PARTITION"),
    /**
     * The event is within the lateness of its own partition, but the windows had already moved on
     * past it: its partition was idle while the others advanced the watermark (a till that went
     * offline and uploaded its sales later). The one case decided by the schedule rather than the
     * log: a replay that reads the partition without the idle spell may count the event.
     */
    BEHIND_THE_WATERMARK_AFTER_IDLE("BEHIND_THE_WATERMARK_AFTER_IDLE"),
    /**
     * A window had closed before these sales reached it ({@link LatePartial}): every partition of
     * their subtask was idle while the others moved the watermark on, so neither the log nor the
     * gate's own watermark called them late; or the window was purged before a restore, after which
     * the gate judges against the subtasks that were active at the checkpoint. Decided by the
     * schedule, per view.
     */
    WINDOW_CLOSED_AFTER_IDLE("WINDOW_CLOSED_AFTER_IDLE");

    private final String code;

    LateReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
