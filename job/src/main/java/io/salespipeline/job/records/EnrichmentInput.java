package io.salespipeline.job.records;

import java.util.Objects;

/**
 * What the enrichment join reads, on one input: the sales (forwarded from the lateness gate) and, broadcast to every
 * subtask, the reference data and how far it has been read. The reference side's progress travels as records rather
 * than as watermarks so that it can never move the join's output watermark (see {@code EnrichSales}).
 *
 * <p>A Flink POJO (public no-arg constructor, public fields), so it never falls back to Kryo.
 */
public class EnrichmentInput {

    public enum Kind {
        SALE,
        /** A sale the lateness gate routed late: joined for the record views, counted by no window. */
        LATE_SALE,
        /** A catalog or directory version, in the reference topics' publish order. */
        REFERENCE_VERSION,
        /** The reference topics have been read up to {@link #referenceWatermark} (Kafka publish time). */
        REFERENCE_WATERMARK,
        /** The reference topics have been silent for {@code enrichment.reference-idleness}: read to their end. */
        REFERENCE_IDLE,
        /** The reference topics carry new records again. */
        REFERENCE_ACTIVE
    }

    public Kind kind;
    public SaleEvent sale;
    public ReferenceVersion version;
    public long referenceWatermark = Long.MIN_VALUE;

    public EnrichmentInput() {}

    public static EnrichmentInput sale(SaleEvent sale) {
        return of(Kind.SALE, sale);
    }

    public static EnrichmentInput lateSale(SaleEvent sale) {
        return of(Kind.LATE_SALE, sale);
    }

    private static EnrichmentInput of(Kind kind, SaleEvent sale) {
        EnrichmentInput input = of(kind);
        input.sale = Objects.requireNonNull(sale, "sale");
        return input;
    }

    public static EnrichmentInput version(ReferenceVersion version) {
        EnrichmentInput input = of(Kind.REFERENCE_VERSION);
        input.version = Objects.requireNonNull(version, "version");
        return input;
    }

    public static EnrichmentInput referenceWatermark(long watermark) {
        EnrichmentInput input = of(Kind.REFERENCE_WATERMARK);
        input.referenceWatermark = watermark;
        return input;
    }

    public static EnrichmentInput referenceIdle(boolean idle) {
        return of(idle ? Kind.REFERENCE_IDLE : Kind.REFERENCE_ACTIVE);
    }

    private static EnrichmentInput of(Kind kind) {
        EnrichmentInput input = new EnrichmentInput();
        input.kind = kind;
        return input;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof EnrichmentInput)) {
            return false;
        }
        EnrichmentInput that = (EnrichmentInput) o;
        return kind == that.kind
                && referenceWatermark == that.referenceWatermark
                && Objects.equals(sale, that.sale)
                && Objects.equals(version, that.version);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, sale, version, referenceWatermark);
    }

    @Override
    public String toString() {
        switch (kind) {
            case SALE:
                return "EnrichmentInput{" + sale + "}";
            case LATE_SALE:
                return "EnrichmentInput{late " + sale + "}";
            case REFERENCE_VERSION:
                return "EnrichmentInput{" + version + "}";
            case REFERENCE_WATERMARK:
                return "EnrichmentInput{reference watermark " + referenceWatermark + "}";
            default:
                return "EnrichmentInput{" + kind + "}";
        }
    }
}
