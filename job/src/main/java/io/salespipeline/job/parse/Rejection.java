package io.salespipeline.job.parse;

/**
 * A rejection a parser found while validating a message; stackless, because only the reason and detail are used.
 * It only keeps the validation code linear: the parsers return it as a {@link ParseResult}, never throw it.
 */
final class Rejection extends Exception {
    private static final long serialVersionUID = 1L;

    final RejectReason reason;

    Rejection(RejectReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }
}
