package io.salespipeline.stack.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

public class EventGeneratorTest {

    private static final long START = Instant.parse("2018-06-29T20:45:00Z").toEpochMilli();
    /** The pipeline's defaults: 5 s out-of-orderness, 60 s allowed lateness. */
    private static final long OUT_OF_ORDERNESS_MS = 5_000;

    private static final long LATE_BEYOND_MS = OUT_OF_ORDERNESS_MS + 60_000;

    private static EventGenerator.Settings settings(long seed, double badRatio, double lateRatio) {
        return new EventGenerator.Settings(seed, 20, 30, badRatio, lateRatio, START, 0);
    }

    private static List<Message> take(EventGenerator.Settings settings, int n) {
        EventGenerator generator = new EventGenerator(settings);
        return IntStream.range(0, n).mapToObj(i -> generator.next()).toList();
    }

    /** Key, value (byte for byte) and flags, comparable with equals. */
    public static String describe(Message m) {
        return (m.key() == null ? "null" : new String(m.key(), StandardCharsets.ISO_8859_1)) + " | "
                + new String(m.value(), StandardCharsets.ISO_8859_1) + " | late=" + m.late() + " fault=" + m.fault();
    }

    @Test
    void theSameSeedGivesTheSameMessagesByteForByte() {
        List<String> first = take(settings(7, 0.1, 0.1), 10_000).stream()
                .map(EventGeneratorTest::describe)
                .toList();
        List<String> second = take(settings(7, 0.1, 0.1), 10_000).stream()
                .map(EventGeneratorTest::describe)
                .toList();
        assertThat(second).isEqualTo(first);
        assertThat(new HashSet<>(first)).as("messages vary").hasSizeGreaterThan(9_900);
    }

    @Test
    void anotherSeedGivesOtherMessages() {
        List<String> seven = take(settings(7, 0.1, 0.1), 10_000).stream()
                .map(EventGeneratorTest::describe)
                .toList();
        List<String> eight = take(settings(8, 0.1, 0.1), 10_000).stream()
                .map(EventGeneratorTest::describe)
                .toList();
        long same = IntStream.range(0, seven.size())
                .filter(i -> seven.get(i).equals(eight.get(i)))
                .count();
        assertThat(same).isLessThan(100);
    }

    @Test
    void messagesHaveTheProducersShapeAndSloppiness() {
        List<Message> messages = take(settings(1, 0, 0), 10_000);
        assertThat(new String(messages.get(0).value(), StandardCharsets.UTF_8))
                .matches("\\{\"item_id\": \"[a-z-]+-[0-9]+\", \"item_sold\": (\"?)[0-9]+\\1, \"item_name\": "
                        + "\"[A-Za-z ]+\","
                        + " \"timestamp_ms\": (\"?)[0-9]{13}\\2, \"store_id\": \"[A-Za-z ]+ - [0-9]+\"\\}");
        Map<String, String> nameOfItem = new HashMap<>();
        int soldAsText = 0;
        int timestampAsText = 0;
        int small = 0;
        for (Message m : messages) {
            String json = new String(m.value(), StandardCharsets.UTF_8);
            PipelineRules.Sale sale =
                    PipelineRules.parse(m.value()).orElseThrow(() -> new AssertionError("invalid: " + json));
            assertThat(m.key()).isEqualTo(sale.storeId().getBytes(StandardCharsets.UTF_8));
            assertThat(sale.itemId()).startsWith(sale.itemName().toLowerCase().replace(' ', '-') + "-");
            assertThat(nameOfItem.computeIfAbsent(sale.itemId(), id -> sale.itemName()))
                    .as("one name per item id")
                    .isEqualTo(sale.itemName());
            assertThat(sale.itemSold()).isBetween(1L, 500L);
            soldAsText += json.contains("\"item_sold\": \"") ? 1 : 0;
            timestampAsText += json.contains("\"timestamp_ms\": \"") ? 1 : 0;
            small += sale.itemSold() <= 20 ? 1 : 0;
        }
        assertThat(soldAsText).as("item_sold sometimes a string").isBetween(1_500, 3_500);
        assertThat(timestampAsText).as("timestamp_ms mostly a string").isBetween(8_500, 9_500);
        assertThat(small).as("mostly 1..20, some bulk sales").isBetween(9_500, 9_990);
    }

    @Test
    void eventTimeFollowsTheSimulatedClockNotTheWallClock() {
        List<Long> atTenPerSecond = timestamps(take(new EventGenerator.Settings(1, 20, 30, 0, 0, START, 10), 1_000));
        assertThat(atTenPerSecond.get(0)).isBetween(START - EventGenerator.MAX_REPORTING_DELAY_MS, START + 1_000);
        assertThat(atTenPerSecond.get(999) - START)
                .as("1,000 events at 10/s span about 100 s")
                .isBetween(95_000L, 105_000L);

        List<Long> unthrottled = timestamps(take(settings(1, 0, 0), 10_000));
        assertThat(unthrottled.get(9_999) - START)
                .as("unthrottled: event time at the nominal 1,000/s")
                .isBetween(10_000L - EventGenerator.MAX_REPORTING_DELAY_MS - 200, 10_200L);
    }

    @Test
    void aBadRatioOfATenthMalformsAboutATenthAndEachReallyIsInvalid() {
        List<Message> messages = take(settings(3, 0.1, 0), 10_000);
        Set<EventGenerator.Fault> faults = EnumSet.noneOf(EventGenerator.Fault.class);
        int bad = 0;
        for (Message m : messages) {
            Optional<PipelineRules.Sale> sale = PipelineRules.parse(m.value());
            assertThat(sale.isEmpty())
                    .as("invalid exactly when malformed on purpose: %s", describe(m))
                    .isEqualTo(m.bad());
            if (m.bad()) {
                bad++;
                faults.add(m.fault());
            }
        }
        assertThat(bad).isBetween(850, 1_150);
        assertThat(faults).as("every kind of fault").containsExactlyInAnyOrder(EventGenerator.Fault.values());
    }

    @Test
    void lateEventsAreFarBehindTheOthersAndOnlyThey() {
        List<Message> messages = take(settings(5, 0.05, 0.2), 10_000);
        long maxSeen = Long.MIN_VALUE;
        int valid = 0;
        int late = 0;
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            Optional<PipelineRules.Sale> sale = PipelineRules.parse(m.value());
            if (sale.isEmpty()) {
                continue;
            }
            long behind = maxSeen - sale.get().timestampMs();
            maxSeen = Math.max(maxSeen, sale.get().timestampMs());
            if (i < 100) {
                continue; // until an on-time event has set the pace, lateness is not measurable
            }
            valid++;
            late += m.late() ? 1 : 0;
            if (m.late()) {
                assertThat(behind).as("late event %d", i).isGreaterThan(LATE_BEYOND_MS);
            } else {
                assertThat(behind).as("on-time event %d", i).isLessThanOrEqualTo(OUT_OF_ORDERNESS_MS);
            }
        }
        assertThat((double) late / valid).isBetween(0.17, 0.23);
    }

    @Test
    void withoutALateRatioNoEventIsBeyondTheOutOfOrdernessBound() {
        long maxSeen = START;
        for (Message m : take(settings(5, 0, 0), 10_000)) {
            long timestamp = PipelineRules.parse(m.value()).orElseThrow().timestampMs();
            assertThat(timestamp).isGreaterThanOrEqualTo(maxSeen - OUT_OF_ORDERNESS_MS);
            maxSeen = Math.max(maxSeen, timestamp);
            assertThat(m.late()).isFalse();
        }
    }

    @Test
    void aFewStoresAndItemsAreMuchBusierThanTheRest() {
        Map<String, Integer> perStore = new HashMap<>();
        Map<String, Integer> perItem = new HashMap<>();
        for (Message m : take(settings(9, 0, 0), 10_000)) {
            PipelineRules.Sale sale = PipelineRules.parse(m.value()).orElseThrow();
            perStore.merge(sale.storeId(), 1, Integer::sum);
            perItem.merge(sale.itemId(), 1, Integer::sum);
        }
        assertThat(perStore).hasSize(20);
        assertThat(perItem).hasSize(30);
        assertThat(Collections.max(perStore.values()))
                .as("busiest store, average 500")
                .isGreaterThan(3 * 500);
        assertThat(Collections.max(perItem.values()))
                .as("best-selling item, average 333")
                .isGreaterThan(3 * 333);
        assertThat(Collections.min(perStore.values())).as("quietest store").isLessThan(500 / 2);
    }

    @Test
    void theCatalogHasPlausibleUniqueNames() {
        Catalog small = new Catalog(20, 60);
        assertThat(small.stores())
                .extracting(Catalog.Store::name)
                .startsWith("Hermitage - 1", "Nevsky - 1")
                .contains("Nevsky - 3")
                .doesNotHaveDuplicates();
        assertThat(small.items()).extracting(Catalog.Item::id).doesNotHaveDuplicates();
        assertThat(small.items())
                .filteredOn(item -> item.name().equals("Plates"))
                .hasSize(2);

        Catalog largest = new Catalog(Catalog.MAX_STORES, Catalog.MAX_ITEMS);
        assertThat(largest.stores()).extracting(Catalog.Store::name).doesNotHaveDuplicates();
        assertThat(largest.items()).extracting(Catalog.Item::id).doesNotHaveDuplicates();
    }

    private static List<Long> timestamps(List<Message> messages) {
        List<Long> timestamps = new ArrayList<>();
        messages.forEach(
                m -> timestamps.add(PipelineRules.parse(m.value()).orElseThrow().timestampMs()));
        return timestamps;
    }
}
