package io.salespipeline.stack.generate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The stores and goods sales come from. Popularity follows Zipf's law (weight 1/rank, in list
 * order), as in real retail: the first store and the first goods carry a large share of the sales
 * and the tail very little, which is what makes hot keys and uneven partitions show up downstream.
 */
public final class Catalog {

    static final int MAX_STORES = 1000;
    /** Item numbers are a permutation of 100..9099, so every item id stays unique. */
    static final int MAX_ITEMS = 9000;

    private static final List<String> DISTRICTS = List.of(
            "Hermitage",
            "Nevsky",
            "Vasileostrovsky",
            "Petrogradsky",
            "Moskovsky",
            "Primorsky",
            "Kupchino",
            "Gostiny Dvor");

    private static final String TABLEWARE = "Tableware";
    private static final String COOKWARE = "Cookware";
    private static final String TEXTILES = "Textiles";
    private static final String DECOR = "Decor";

    /** A kind of goods and its category in the catalog. */
    private record Goods(String name, String category) {}

    /** In order of popularity: the first item of a catalog is plates-235, the producer's sample event. */
    private static final List<Goods> GOODS = List.of(
            new Goods("Plates", TABLEWARE),
            new Goods("Cups", TABLEWARE),
            new Goods("Forks", TABLEWARE),
            new Goods("Knives", TABLEWARE),
            new Goods("Spoons", TABLEWARE),
            new Goods("Bowls", TABLEWARE),
            new Goods("Mugs", TABLEWARE),
            new Goods("Glasses", TABLEWARE),
            new Goods("Napkins", TEXTILES),
            new Goods("Tablecloths", TEXTILES),
            new Goods("Teapots", COOKWARE),
            new Goods("Kettles", COOKWARE),
            new Goods("Saucepans", COOKWARE),
            new Goods("Frying Pans", COOKWARE),
            new Goods("Cutting Boards", COOKWARE),
            new Goods("Ladles", COOKWARE),
            new Goods("Whisks", COOKWARE),
            new Goods("Colanders", COOKWARE),
            new Goods("Graters", COOKWARE),
            new Goods("Baking Trays", COOKWARE),
            new Goods("Candles", DECOR),
            new Goods("Vases", DECOR),
            new Goods("Towels", TEXTILES),
            new Goods("Aprons", TEXTILES),
            new Goods("Oven Mitts", TEXTILES),
            new Goods("Salt Shakers", TABLEWARE),
            new Goods("Pepper Mills", TABLEWARE),
            new Goods("Jugs", TABLEWARE),
            new Goods("Trays", TABLEWARE),
            new Goods("Coasters", TABLEWARE));

    private static final String STORE_NUMBER_SEPARATOR = " - ";

    /** Coprime with {@link #MAX_ITEMS}, so {@code (offset + k * stride) mod MAX_ITEMS} never repeats. */
    private static final int ITEM_NUMBER_STRIDE = 7919;
    /** Makes the first item plates-235, the producer's sample event. */
    private static final int ITEM_NUMBER_OFFSET = 135;

    /** @param key the store id as the message key: UTF-8, encoded once */
    record Store(String name, byte[] key) {}

    record Item(String id, String name) {}

    private final List<Store> stores = new ArrayList<>();
    private final List<Item> items = new ArrayList<>();
    private final double[] storeCumulative;
    private final double[] itemCumulative;

    Catalog(int storeCount, int itemCount) {
        if (storeCount < 1 || storeCount > MAX_STORES || itemCount < 1 || itemCount > MAX_ITEMS) {
            throw new IllegalArgumentException("stores must be in 1.." + MAX_STORES + " and items in 1.." + MAX_ITEMS);
        }
        for (int i = 0; i < storeCount; i++) {
            String name = DISTRICTS.get(i % DISTRICTS.size()) + STORE_NUMBER_SEPARATOR + (i / DISTRICTS.size() + 1);
            stores.add(new Store(name, name.getBytes(StandardCharsets.UTF_8)));
        }
        for (int k = 0; k < itemCount; k++) {
            // Beyond the list, goods come back under the same name as other variants (another number).
            String name = GOODS.get(k % GOODS.size()).name();
            int number = 100 + (int) ((ITEM_NUMBER_OFFSET + (long) k * ITEM_NUMBER_STRIDE) % MAX_ITEMS);
            items.add(new Item(name.toLowerCase(Locale.ROOT).replace(' ', '-') + "-" + number, name));
        }
        storeCumulative = zipfCumulative(storeCount);
        itemCumulative = zipfCumulative(itemCount);
    }

    /** The category of goods named {@code name}, one of the catalog's names. */
    static String categoryOf(String name) {
        return GOODS.stream()
                .filter(goods -> goods.name().equals(name))
                .findFirst()
                .map(Goods::category)
                .orElseThrow(() -> new IllegalArgumentException("no goods named " + name));
    }

    /** The district a store of this catalog is in: its name before the number. */
    static String districtOf(String storeName) {
        return storeName.substring(0, storeName.lastIndexOf(STORE_NUMBER_SEPARATOR));
    }

    /** The names of the first {@code count} stores, busiest first. */
    public static List<String> busiestStores(int count) {
        return new Catalog(count, 1).stores.stream().map(Store::name).toList();
    }

    List<Store> stores() {
        return stores;
    }

    List<Item> items() {
        return items;
    }

    Store store(Random random) {
        return stores.get(pick(storeCumulative, random.nextDouble()));
    }

    Item item(Random random) {
        return items.get(pick(itemCumulative, random.nextDouble()));
    }

    private static double[] zipfCumulative(int n) {
        double[] cumulative = new double[n];
        double sum = 0;
        for (int rank = 0; rank < n; rank++) {
            sum += 1.0 / (rank + 1);
            cumulative[rank] = sum;
        }
        for (int i = 0; i < n; i++) {
            cumulative[i] /= sum;
        }
        // Rounding may leave the last bound just below 1, where a draw could fall off the end.
        cumulative[n - 1] = 1.0;
        return cumulative;
    }

    /** The first index whose cumulative weight is above {@code u}, for {@code u} in [0, 1). */
    private static int pick(double[] cumulative, double u) {
        int found = Arrays.binarySearch(cumulative, u);
        return found >= 0 ? found + 1 : -found - 1;
    }
}
