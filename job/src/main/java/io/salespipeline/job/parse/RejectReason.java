package io.salespipeline.job.parse;

/**
 * Why a Kafka message did not become a {@link io.salespipeline.job.records.SaleEvent}.
 *
 * <p>The {@link #code()} is the wire value: it is written into dead letters and metric names, so it
 * is spelled out per constant and must never change once dead letters carrying it exist.
 */
public enum RejectReason {
    /** The value is not valid UTF-8. */
    NOT_UTF8("NOT_UTF8"),
    /** The value has more bytes than {@link ParserLimits#maxMessageBytes()}. */
    OVERSIZE("OVERSIZE"),
    /** The value is null (a tombstone), empty, or whitespace only. */
    EMPTY_MESSAGE("EMPTY_MESSAGE"),
    /** Malformed or truncated JSON, or anything after the top-level object. */
    NOT_JSON("NOT_JSON"),
    /** Well-formed start of a JSON value that is not an object: array, string, number, boolean, null. */
    NOT_AN_OBJECT("NOT_AN_OBJECT"),
    /** The same key appears twice in one object: which one the producer meant is unknowable. */
    DUPLICATE_FIELD("DUPLICATE_FIELD"),
    MISSING_FIELD("MISSING_FIELD"),
    /** The field is present with the JSON literal {@code null}. */
    NULL_FIELD("NULL_FIELD"),
    /** The field has a JSON type the parser does not accept, or a number that is not an integer. */
    WRONG_TYPE("WRONG_TYPE"),
    /** A text field is empty or whitespace only; Cassandra rejects empty partition keys. */
    EMPTY_FIELD("EMPTY_FIELD"),
    /**
     * A text field holds an unpaired UTF-16 surrogate (only reachable through a {@code \\uD8xx}
     * escape): it has no UTF-8 form, so writing it anywhere would silently replace it.
     */
    INVALID_TEXT("INVALID_TEXT"),
    /** A text field has more code points than {@link ParserLimits#maxFieldChars()}. */
    FIELD_TOO_LONG("FIELD_TOO_LONG"),
    NEGATIVE_QUANTITY("NEGATIVE_QUANTITY"),
    /** {@code item_sold} is above {@link ParserLimits#maxItemSold()}, overflowing numbers included. */
    ABSURD_QUANTITY("ABSURD_QUANTITY"),
    /** {@code timestamp_ms} is outside the fixed range of {@link ParserLimits}. */
    TIMESTAMP_OUT_OF_RANGE("TIMESTAMP_OUT_OF_RANGE"),
    /**
     * {@code timestamp_ms} lies more than {@link ParserLimits#maxFutureSkewMs()} ahead of its Kafka record timestamp.
     */
    TIMESTAMP_IN_FUTURE("TIMESTAMP_IN_FUTURE"),
    /** A reference record's key is missing or is not {@code <id>@<effective_from>} of its value. */
    KEY_MISMATCH("KEY_MISMATCH"),
    /** A catalog {@code unit_price} that is not a decimal number, is negative, or has absurd precision. */
    INVALID_PRICE("INVALID_PRICE"),
    /** A catalog price in another currency than the job's {@code enrichment.currency}: it cannot be summed. */
    WRONG_CURRENCY("WRONG_CURRENCY");

    private final String code;

    RejectReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
