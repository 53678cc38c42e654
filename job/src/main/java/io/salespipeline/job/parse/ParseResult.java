package io.salespipeline.job.parse;

import java.util.Objects;

/**
 * What a parser made of one message: a valid value ({@link SaleEventParser}: a sale, {@link ReferenceParser}: a
 * reference version), or a reason and detail.
 */
public final class ParseResult<T> {

    private final T value;
    private final RejectReason reason;
    private final String detail;

    private ParseResult(T value, RejectReason reason, String detail) {
        this.value = value;
        this.reason = reason;
        this.detail = detail;
    }

    public static <T> ParseResult<T> valid(T value) {
        return new ParseResult<>(Objects.requireNonNull(value, "value"), null, null);
    }

    public static <T> ParseResult<T> rejected(RejectReason reason, String detail) {
        return new ParseResult<>(
                null, Objects.requireNonNull(reason, "reason"), Objects.requireNonNull(detail, "detail"));
    }

    public boolean isValid() {
        return value != null;
    }

    /** The parsed value; null when rejected. */
    public T value() {
        return value;
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
        return isValid() ? "ParseResult{valid " + value + "}" : "ParseResult{" + reason.code() + ": " + detail + "}";
    }
}
