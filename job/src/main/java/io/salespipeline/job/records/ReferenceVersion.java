package io.salespipeline.job.records;

import io.salespipeline.contract.ReferenceField;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * One version of an item in the catalog or of a store in the directory, in force from {@link #effectiveFromMs} until
 * the next version of the same id. A {@link #deleted} version ends the listing; a {@link #tombstone} (a null value
 * on the compacted topic) takes the version with this key back, as if it had never been published.
 *
 * <p>A Flink POJO (public no-arg constructor, public fields), so state and network never use Kryo.
 */
public class ReferenceVersion {

    public ReferenceField.Kind kind;
    public String id;
    public long effectiveFromMs;
    public boolean deleted;
    public boolean tombstone;

    /** Items: the price of one unit in the job's currency, and the category. */
    public BigDecimal unitPrice;

    public String category;

    /** Stores: where the store is. */
    public String region;

    public String city;

    public ReferenceVersion() {}

    public static ReferenceVersion item(String id, long effectiveFromMs, BigDecimal unitPrice, String category) {
        ReferenceVersion version = of(ReferenceField.Kind.ITEM, id, effectiveFromMs);
        version.unitPrice = unitPrice;
        version.category = category;
        return version;
    }

    public static ReferenceVersion store(String id, long effectiveFromMs, String region, String city) {
        ReferenceVersion version = of(ReferenceField.Kind.STORE, id, effectiveFromMs);
        version.region = region;
        version.city = city;
        return version;
    }

    public static ReferenceVersion deleted(ReferenceField.Kind kind, String id, long effectiveFromMs) {
        ReferenceVersion version = of(kind, id, effectiveFromMs);
        version.deleted = true;
        return version;
    }

    public static ReferenceVersion tombstone(ReferenceField.Kind kind, String id, long effectiveFromMs) {
        ReferenceVersion version = of(kind, id, effectiveFromMs);
        version.tombstone = true;
        return version;
    }

    private static ReferenceVersion of(ReferenceField.Kind kind, String id, long effectiveFromMs) {
        ReferenceVersion version = new ReferenceVersion();
        version.kind = kind;
        version.id = id;
        version.effectiveFromMs = effectiveFromMs;
        return version;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ReferenceVersion)) {
            return false;
        }
        ReferenceVersion that = (ReferenceVersion) o;
        return effectiveFromMs == that.effectiveFromMs
                && deleted == that.deleted
                && tombstone == that.tombstone
                && kind == that.kind
                && Objects.equals(id, that.id)
                && Objects.equals(unitPrice, that.unitPrice)
                && Objects.equals(category, that.category)
                && Objects.equals(region, that.region)
                && Objects.equals(city, that.city);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, id, effectiveFromMs, deleted, tombstone, unitPrice, category, region, city);
    }

    @Override
    public String toString() {
        String what = tombstone
                ? "tombstone"
                : deleted
                        ? "deleted"
                        : kind == ReferenceField.Kind.ITEM ? unitPrice + " " + category : region + " " + city;
        return "ReferenceVersion{" + kind + " " + id + " from " + effectiveFromMs + ": " + what + "}";
    }
}
