package io.salespipeline.job.parse;

import io.salespipeline.job.records.SaleEvent;
import java.util.Objects;

/** What {@link SaleEventParser#parse} made of one message: a valid event, or a reason and detail. */
public final class ParseResult {

    private final SaleEvent event;
    private final RejectReason reason;
    private final String detail;

    private ParseResult(SaleEvent event, RejectReason reason, String detail) {
        this.event = event;
        this.reason = reason;
        this.detail = detail;
    }

    public static ParseResult valid(SaleEvent event) {
        return new ParseResult(Objects.requireNonNull(event, "event"), null, null);
    }

    public static ParseResult rejected(RejectReason reason, String detail) {
        return new ParseResult(
                null, Objects.requireNonNull(reason, "reason"), Objects.requireNonNull(detail, "detail"));
    }

    public boolean isValid() {
        return event != null;
    }

    /** The parsed event; null when rejected. */
    public SaleEvent event() {
        return event;
    }

    /** Why the message was rejected; null when valid. */
    public RejectReason reason() {
        return reason;
    }

    /** Human-readable explanation naming the offending field, if any; null when valid. */
    public String detail() {
        return detail;
    }

    @Override
    public String toString() {
        return isValid() ? "ParseResult{valid " + event + "}" : "ParseResult{" + reason.code() + ": " + detail + "}";
    }
}
