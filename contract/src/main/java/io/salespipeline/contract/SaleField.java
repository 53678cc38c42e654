package io.salespipeline.contract;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The fields of a sales event on {@code item_sales}, as the tills send them, e.g.
 * {@code {"item_id": "plates-235", "item_sold": 23, "item_name": "Plates", "timestamp_ms":
 * "1530305100936", "store_id": "Hermitage - 1"}}, in the order the job validates them. The job's
 * late envelopes repeat them under the same keys.
 */
public enum SaleField {
    ITEM_ID("item_id"),
    STORE_ID("store_id"),
    ITEM_NAME("item_name"),
    ITEM_SOLD("item_sold"),
    TIMESTAMP_MS("timestamp_ms");

    private static final Map<String, SaleField> BY_KEY =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(SaleField::key, Function.identity()));

    private final String key;

    SaleField(String key) {
        this.key = key;
    }

    /** The field's JSON key. */
    public String key() {
        return key;
    }

    /** The field with this JSON key, null for any other key (a message may carry more). */
    public static SaleField ofKey(String key) {
        return BY_KEY.get(key);
    }
}
