package io.salespipeline.contract;

import java.util.Arrays;
import java.util.List;

/**
 * The fields of the reference records, on {@link Topic#ITEM_CATALOG}, e.g. {@code {"item_id": "plates-235",
 * "category": "Tableware", "unit_price": "4.95", "currency": "EUR", "effective_from": 1530300000000}}, and on
 * {@link Topic#STORE_DIRECTORY}, e.g. {@code {"store_id": "Hermitage - 1", "region": "North-West", "city": "Saint
 * Petersburg", "effective_from": 1530300000000}}. A record with {@code "deleted": true} ends the item's or store's
 * listing from its {@code effective_from} on, and needs no other field.
 */
public enum ReferenceField {
    ITEM_ID("item_id"),
    CATEGORY("category"),
    UNIT_PRICE("unit_price"),
    CURRENCY("currency"),
    STORE_ID("store_id"),
    REGION("region"),
    CITY("city"),
    EFFECTIVE_FROM("effective_from"),
    DELETED("deleted");

    /** What a sale whose store has no directory entry in force counts under. */
    public static final String UNKNOWN_REGION = "unknown";

    private final String key;

    ReferenceField(String key) {
        this.key = key;
    }

    /** The field's JSON key. */
    public String key() {
        return key;
    }

    /** The kind of a reference record, by topic: which field is its id, and which fields a listing needs. */
    public enum Kind {
        ITEM(ITEM_ID, CATEGORY, UNIT_PRICE, CURRENCY),
        STORE(STORE_ID, REGION, CITY);

        private final ReferenceField id;
        private final List<ReferenceField> listing;

        Kind(ReferenceField id, ReferenceField... listing) {
            this.id = id;
            this.listing = Arrays.asList(listing);
        }

        public ReferenceField id() {
            return id;
        }

        /** The fields a record that is not {@code deleted} must have, in the order they are validated. */
        public List<ReferenceField> listing() {
            return listing;
        }
    }
}
