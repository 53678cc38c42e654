package io.salespipeline.stack.generate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.salespipeline.contract.ReferenceField;
import io.salespipeline.contract.Topic;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The item catalog and store directory of generated sales, as the records of the reference topics:
 * every item listed with a price from a day before the first sale, a third of them repriced halfway
 * through the generated span, the least-selling one delisted at three quarters of it (its later
 * sales are unpriced), and every store in the directory but the quietest (its sales count under
 * region {@value ReferenceField#UNKNOWN_REGION}). The same settings give the same records, so
 * publishing them again changes nothing on the compacted topics.
 */
public final class ReferenceData {

    /** One record of a reference topic. */
    public record Record(Topic topic, byte[] key, byte[] value) {}

    static final String CURRENCY = "EUR";
    static final String CITY = "Saint Petersburg";
    private static final Duration LISTED_BEFORE_START = Duration.ofDays(1);

    private static final Map<String, String> REGION_OF_DISTRICT = Map.of(
            "Hermitage", "Central",
            "Nevsky", "Central",
            "Gostiny Dvor", "Central",
            "Vasileostrovsky", "North-West",
            "Petrogradsky", "North-West",
            "Primorsky", "North-West",
            "Moskovsky", "South",
            "Kupchino", "South");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The regions the generated directory places stores in, then the region of the store it leaves out. */
    public static List<String> regions() {
        List<String> regions = new ArrayList<>(new java.util.TreeSet<>(REGION_OF_DISTRICT.values()));
        regions.add(ReferenceField.UNKNOWN_REGION);
        return regions;
    }

    private ReferenceData() {}

    /**
     * @param events the generated sales' settings
     * @param span the event time the sales cover, from their start
     */
    public static List<Record> of(EventGenerator.Settings events, Duration span) {
        Catalog catalog = new Catalog(events.stores(), events.items());
        Random random = new Random(events.seed() * 1_000_003L + 17);
        long listedFrom = events.startTimeMs() - LISTED_BEFORE_START.toMillis();
        long repricedFrom = events.startTimeMs() + span.toMillis() / 2;
        long delistedFrom = events.startTimeMs() + span.toMillis() * 3 / 4;
        List<Record> records = new ArrayList<>();
        List<Catalog.Item> items = catalog.items();
        for (int k = 0; k < items.size(); k++) {
            Catalog.Item item = items.get(k);
            BigDecimal price = BigDecimal.valueOf(50 + random.nextInt(4_950), 2);
            String category = Catalog.categoryOf(item.name());
            records.add(item(item.id(), listedFrom, price, category));
            if (k % 3 == 1) {
                BigDecimal factor = BigDecimal.valueOf(80 + random.nextInt(41), 2);
                records.add(item(
                        item.id(), repricedFrom, price.multiply(factor).setScale(2, RoundingMode.HALF_EVEN), category));
            }
        }
        if (items.size() > 1) {
            Catalog.Item last = items.get(items.size() - 1);
            ObjectNode delisted = value(ReferenceField.ITEM_ID, last.id(), delistedFrom);
            delisted.put(ReferenceField.DELETED.key(), true);
            records.add(record(Topic.ITEM_CATALOG, last.id(), delistedFrom, delisted));
        }
        List<Catalog.Store> stores = catalog.stores();
        int listedStores = stores.size() > 1 ? stores.size() - 1 : stores.size();
        for (Catalog.Store store : stores.subList(0, listedStores)) {
            ObjectNode value = value(ReferenceField.STORE_ID, store.name(), listedFrom);
            value.put(ReferenceField.REGION.key(), REGION_OF_DISTRICT.get(Catalog.districtOf(store.name())));
            value.put(ReferenceField.CITY.key(), CITY);
            records.add(record(Topic.STORE_DIRECTORY, store.name(), listedFrom, value));
        }
        return records;
    }

    private static Record item(String id, long effectiveFromMs, BigDecimal price, String category) {
        ObjectNode value = value(ReferenceField.ITEM_ID, id, effectiveFromMs);
        value.put(ReferenceField.CATEGORY.key(), category);
        // a string: the exact decimal, as a catalog export writes it
        value.put(ReferenceField.UNIT_PRICE.key(), price.toPlainString());
        value.put(ReferenceField.CURRENCY.key(), CURRENCY);
        return record(Topic.ITEM_CATALOG, id, effectiveFromMs, value);
    }

    private static ObjectNode value(ReferenceField idField, String id, long effectiveFromMs) {
        ObjectNode value = JSON.createObjectNode();
        value.put(idField.key(), id);
        value.put(ReferenceField.EFFECTIVE_FROM.key(), effectiveFromMs);
        return value;
    }

    private static Record record(Topic topic, String id, long effectiveFromMs, ObjectNode value) {
        try {
            return new Record(
                    topic,
                    Topic.referenceKey(id, effectiveFromMs).getBytes(StandardCharsets.UTF_8),
                    JSON.writeValueAsBytes(value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a reference record of " + id + " does not serialise", e);
        }
    }
}
