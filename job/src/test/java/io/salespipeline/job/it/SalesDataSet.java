package io.salespipeline.job.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The known input of the end-to-end tests: valid sales (with the producer's usual variations),
 * bad input of every kind the parser rejects, late events within and beyond the allowed lateness,
 * and closing events that push every partition's watermark far ahead.
 *
 * <p>Everything is generated from a seed, with event times relative to {@link #BASE}, and is sent
 * to explicit partitions so the test knows which source subtask path each message takes.
 */
final class SalesDataSet {

    static final Instant BASE = Instant.parse("2024-03-01T10:00:00Z");
    static final long BASE_MS = BASE.toEpochMilli();
    static final int PARTITIONS = 4;

    /** Valid events per partition in phase 1 (plus one "high-water" event per partition). */
    static final int PHASE1_PER_PARTITION = 150;
    /** Nominal spacing of phase-1 events across all partitions. */
    private static final long STEP_MS = 3_000;
    /**
     * Phase-1 events are up to this much out of order within their partition (far below lateness + out-of-orderness).
     */
    private static final int MAX_DISORDER_SECONDS = 15;
    /** Every partition's last phase-1 event: the phase-1 watermark is this minus out-of-orderness minus 1 ms. */
    static final long PHASE1_HIGH_WATER_MS =
            BASE_MS + Duration.ofMinutes(30).plusSeconds(40).toMillis();
    /** The closing events: three hours ahead, so every data window is past its end plus the lateness. */
    static final long CLOSING_MS = BASE_MS + Duration.ofHours(3).toMillis();

    static final String CLOSING_STORE = "store-closing";
    static final String CLOSING_ITEM = "closing-sentinel";

    /** Sales of one store in one hour whose units tie: its top 5 must be exactly {@link #TIES_TOP5}. */
    static final String TIES_STORE = "store-ties";

    private static final String[][] TIES = {
        {"honeydew", "6"},
        {"grape", "4"},
        {"apple", "6"},
        {"cherry", "4"},
        {"fig", "6"},
        {"banana", "4"},
        {"elderberry", "1"}
    };
    static final List<String> TIES_TOP5 = List.of("apple", "fig", "honeydew", "banana", "cherry");

    /** Sold on every partition in one millisecond: the later log position must win in item_sales. */
    static final String SAME_MILLISECOND_ITEM = "sku-same-ms";

    private static final int SAME_MILLISECOND_INDEX = 60;

    private static final String[] STORES = {"store-01", "store-02", "store-03", "store-04", "store-05"};
    private static final int[] STORE_WEIGHTS = {40, 25, 15, 12, 8};
    private static final String[] ITEMS = {
        "apple", "banana", "cherry", "jalapeño", "elderberry", "fig", "grape", "honeydew"
    };
    private static final int[] ITEM_WEIGHTS = {25, 18, 14, 12, 10, 9, 7, 5};

    enum Kind {
        /** Phase 1, in (nearly) time order. */
        ON_TIME,
        /** Phase 2: behind the watermark (its minute window has closed) but within the allowed lateness: counted. */
        WITHIN_LATENESS,
        /** Phase 2: twenty minutes behind the watermark: in the record views and the late topic only. */
        BEYOND_LATENESS,
        /** Phase 3: far ahead, closes every window of the data set. */
        CLOSING
    }

    /** A valid sale as the test means it; the message carries it in one of several accepted spellings. */
    record Sale(String itemId, String storeId, String itemName, int itemSold, long timestampMs, Kind kind) {}

    /** Bad input and what the dead letter must say about it. */
    record Bad(String reason, String detailMentions) {}

    /**
     * One message to produce: exactly one of {@code sale} and {@code bad} is set. {@code value} may be null
     * (tombstone).
     */
    record Message(int partition, byte[] value, Sale sale, Bad bad) {
        boolean valid() {
            return sale != null;
        }
    }

    /** A message as it landed in the log. */
    record Produced(Message message, String topic, int partition, long offset, long kafkaTimestamp) {
        String eventId() {
            return partition + "-" + offset;
        }

        String position() {
            return topic + "/" + partition + "/" + offset;
        }

        Sale sale() {
            return message.sale();
        }
    }

    private final Random random;
    private final Set<Long> usedTimestamps = new HashSet<>();
    private int spelling;

    SalesDataSet(long seed) {
        this.random = new Random(seed);
    }

    /**
     * Phase 1, cut into {@code batches} consecutive slices of every partition's sequence: each slice
     * advances all four partitions. Bad input is spread over the partitions and slices.
     */
    List<List<Message>> phase1(int batches) {
        List<List<Message>> perPartition = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            perPartition.add(new ArrayList<>());
        }
        for (int j = 0; j < PHASE1_PER_PARTITION; j++) {
            for (int p = 0; p < PARTITIONS; p++) {
                long nominal = BASE_MS + (j * (long) PARTITIONS + p) * STEP_MS;
                long ts = Math.max(
                        BASE_MS + p,
                        nominal - random.nextInt(MAX_DISORDER_SECONDS + 1) * 1_000L - random.nextInt(1_000));
                perPartition.get(p).add(valid(p, randomSale(ts, Kind.ON_TIME)));
            }
        }
        // a store whose top items tie on units, also at the top-N cut: ranked by units desc, then name asc
        for (int k = 0; k < TIES.length; k++) {
            int p = k % PARTITIONS;
            int j = 20 + k;
            Sale replaced = perPartition.get(p).get(j).sale();
            perPartition
                    .get(p)
                    .set(
                            j,
                            valid(
                                    p,
                                    new Sale(
                                            "sku-" + TIES[k][0] + "-t",
                                            TIES_STORE,
                                            TIES[k][0],
                                            Integer.parseInt(TIES[k][1]),
                                            replaced.timestampMs(),
                                            Kind.ON_TIME)));
        }
        // one item sold in the same millisecond on every partition, in different stores and quantities:
        // item_sales must hold the sale of partition 3 (the latest log position), not a mix of cells
        long sameMillisecond =
                perPartition.get(0).get(SAME_MILLISECOND_INDEX).sale().timestampMs();
        for (int p = 0; p < PARTITIONS; p++) {
            perPartition
                    .get(p)
                    .set(
                            SAME_MILLISECOND_INDEX,
                            valid(
                                    p,
                                    new Sale(
                                            SAME_MILLISECOND_ITEM,
                                            STORES[p],
                                            "apple",
                                            40 - p,
                                            sameMillisecond,
                                            Kind.ON_TIME)));
        }
        // the high-water event of every partition: all four partitions end phase 1 at the same event time
        for (int p = 0; p < PARTITIONS; p++) {
            perPartition.get(p).add(valid(p, randomSale(PHASE1_HIGH_WATER_MS + p, Kind.ON_TIME)));
        }
        List<Message> bad = badInputs();
        for (int k = 0; k < bad.size(); k++) {
            Message m = bad.get(k);
            List<Message> into = perPartition.get(m.partition());
            // spread over the whole phase, never after the high-water event
            int at = 3 + (k * 37) % (PHASE1_PER_PARTITION - 6);
            into.add(at, m);
        }
        List<List<Message>> result = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            List<Message> batch = new ArrayList<>();
            int maxLen = perPartition.stream().mapToInt(List::size).max().orElse(0);
            for (int i = 0; i < maxLen; i++) {
                for (int p = 0; p < PARTITIONS; p++) {
                    List<Message> seq = perPartition.get(p);
                    int from = seq.size() * b / batches;
                    int to = seq.size() * (b + 1) / batches;
                    if (from + i < to) {
                        batch.add(seq.get(from + i));
                    }
                }
            }
            result.add(batch);
        }
        return result;
    }

    /**
     * Phase 2, produced once the job has processed phase 1 (watermark ≈ high water − 5 s):
     * on every partition three events 40–55 s behind the watermark in already closed minute windows
     * (within the 60 s lateness) and two events twenty minutes behind it (beyond the lateness). One
     * beyond-lateness event is the only sale of its item id, so it must be that item's row in
     * item_sales.
     */
    List<Message> phase2() {
        List<Message> messages = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            for (int i = 0; i < 3; i++) {
                long ts = BASE_MS + Duration.ofMinutes(29).plusSeconds(45).toMillis() + p * 2_000L + i * 600L + 7;
                messages.add(valid(p, randomSale(ts, Kind.WITHIN_LATENESS)));
            }
            for (int i = 0; i < 2; i++) {
                long ts = BASE_MS + Duration.ofMinutes(10).toMillis() + p * 10_000L + i * 3_000L + 11;
                Sale sale = randomSale(ts, Kind.BEYOND_LATENESS);
                if (p == 2 && i == 1) {
                    sale = new Sale("sku-late-only", sale.storeId(), "apple", 9, unique(ts), Kind.BEYOND_LATENESS);
                }
                messages.add(valid(p, sale));
            }
        }
        return messages;
    }

    /** Phase 3: one event per partition three hours ahead, in a store and item name of their own. */
    List<Message> closing() {
        List<Message> messages = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            messages.add(valid(
                    p,
                    new Sale(
                            "closing-p" + p,
                            CLOSING_STORE,
                            CLOSING_ITEM,
                            1 + p,
                            unique(CLOSING_MS + p * 1_000L),
                            Kind.CLOSING)));
        }
        return messages;
    }

    // ---------------------------------------------------------------------------------------------

    private Sale randomSale(long ts, Kind kind) {
        String store = STORES[weighted(STORE_WEIGHTS)];
        int item = weighted(ITEM_WEIGHTS);
        String name = ITEMS[item];
        String itemId = "sku-" + name.replace("ñ", "n") + "-" + (1 + random.nextInt(3));
        int sold = random.nextInt(10) < 9 ? 1 + random.nextInt(9) : 20 + random.nextInt(30);
        return new Sale(itemId, store, name, sold, unique(ts), kind);
    }

    /** Event times are unique over the random sales, so their ties are only the deliberate ones. */
    private long unique(long ts) {
        while (!usedTimestamps.add(ts)) {
            ts++;
        }
        return ts;
    }

    private int weighted(int[] weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int r = random.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            r -= weights[i];
            if (r < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    /**
     * A valid sale in one of the spellings producers use: numbers as strings, floats, extra fields, other field order,
     * a BOM.
     */
    Message valid(int partition, Sale s) {
        String id = str(s.itemId());
        String store = str(s.storeId());
        String name = str(s.itemName());
        String sold = Integer.toString(s.itemSold());
        String ts = Long.toString(s.timestampMs());
        String json;
        boolean bom = false;
        switch (spelling++ % 9) {
            case 1 ->
                json = obj(
                        "\"item_id\":" + id,
                        "\"store_id\":" + store,
                        "\"item_name\":" + name,
                        "\"item_sold\":\"" + sold + "\"",
                        "\"timestamp_ms\":" + ts);
            case 2 ->
                json = obj(
                        "\"item_id\":" + id,
                        "\"store_id\":" + store,
                        "\"item_name\":" + name,
                        "\"item_sold\":" + sold,
                        "\"timestamp_ms\":\"" + ts + "\"");
            case 3 ->
                json = obj(
                        "\"timestamp_ms\":" + ts,
                        "\"item_sold\":\" +" + sold + " \"",
                        "\"item_name\":" + name,
                        "\"store_id\":" + store,
                        "\"item_id\":" + id);
            case 4 ->
                json = obj(
                        "\"item_id\":" + id,
                        "\"store_id\":" + store,
                        "\"item_name\":" + name,
                        "\"item_sold\":" + sold + ".0",
                        "\"timestamp_ms\":" + ts);
            case 5 ->
                json = obj(
                        "\"channel\":\"web\"",
                        "\"item_id\":" + id,
                        "\"meta\":{\"tags\":[1,2,{\"x\":null}],\"item_sold\":-1}",
                        "\"store_id\":" + store,
                        "\"item_name\":" + name,
                        "\"item_sold\":" + sold,
                        "\"timestamp_ms\":" + ts,
                        "\"timestamp_dt\":\"2024-03-01\"");
            case 6 ->
                json = "  \n"
                        + obj(
                                "\"item_id\":" + id,
                                "\"store_id\":" + store,
                                "\"item_name\":" + name,
                                "\"item_sold\":\"" + sold + ".00\"",
                                "\"timestamp_ms\":\"" + ts + "\"")
                        + "\n";
            case 7 -> {
                json = obj(
                        "\"item_id\":" + id,
                        "\"store_id\":" + store,
                        "\"item_name\":" + name,
                        "\"item_sold\":" + sold,
                        "\"timestamp_ms\":" + ts);
                bom = true;
            }
            default ->
                json = obj(
                        "\"item_id\":" + id,
                        "\"store_id\":" + store,
                        "\"item_name\":" + name,
                        "\"item_sold\":" + sold,
                        "\"timestamp_ms\":" + ts);
        }
        byte[] bytes = ((bom ? "\uFEFF" : "") + json).getBytes(StandardCharsets.UTF_8);
        return new Message(partition, bytes, s, null);
    }

    /** Every kind of rejected input, each with the reason code the dead letter must carry. */
    private static List<Message> badInputs() {
        String ts = Long.toString(BASE_MS + 60_000);
        List<Message> bad = new ArrayList<>();
        addBad(bad, "NOT_JSON", "JSON", text("this is not json"));
        addBad(bad, "NOT_JSON", "JSON", text("{\"item_id\":\"sku-x\",\"store_id\":"));
        addBad(
                bad,
                "NOT_JSON",
                "trailing",
                text(obj(
                                "\"item_id\":\"a\"",
                                "\"store_id\":\"store-01\"",
                                "\"item_name\":\"apple\"",
                                "\"item_sold\":1",
                                "\"timestamp_ms\":" + ts)
                        + " trailing"));
        addBad(
                bad,
                "MISSING_FIELD",
                "store_id",
                text(obj("\"item_id\":\"a\"", "\"item_name\":\"apple\"", "\"item_sold\":1", "\"timestamp_ms\":" + ts)));
        addBad(
                bad,
                "WRONG_TYPE",
                "item_sold",
                text(obj(
                        "\"item_id\":\"a\"",
                        "\"store_id\":\"store-01\"",
                        "\"item_name\":\"apple\"",
                        "\"item_sold\":\"abc\"",
                        "\"timestamp_ms\":" + ts)));
        addBad(
                bad,
                "WRONG_TYPE",
                "item_sold",
                text(obj(
                        "\"item_id\":\"a\"",
                        "\"store_id\":\"store-01\"",
                        "\"item_name\":\"apple\"",
                        "\"item_sold\":2.5",
                        "\"timestamp_ms\":" + ts)));
        addBad(
                bad,
                "WRONG_TYPE",
                "store_id",
                text(obj(
                        "\"item_id\":\"a\"",
                        "\"store_id\":42",
                        "\"item_name\":\"apple\"",
                        "\"item_sold\":1",
                        "\"timestamp_ms\":" + ts)));
        addBad(
                bad,
                "NEGATIVE_QUANTITY",
                "item_sold",
                text(obj(
                        "\"item_id\":\"a\"",
                        "\"store_id\":\"store-01\"",
                        "\"item_name\":\"apple\"",
                        "\"item_sold\":-3",
                        "\"timestamp_ms\":" + ts)));
        addBad(
                bad,
                "ABSURD_QUANTITY",
                "item_sold",
                text(obj(
                        "\"item_id\":\"a\"",
                        "\"store_id\":\"store-01\"",
                        "\"item_name\":\"apple\"",
                        "\"item_sold\":5000000",
                        "\"timestamp_ms\":" + ts)));
        addBad(
                bad,
                "EMPTY_FIELD",
                "store_id",
                text(obj(
                        "\"item_id\":\"a\"",
                        "\"store_id\":\"\"",
                        "\"item_name\":\"apple\"",
                        "\"item_sold\":1",
                        "\"timestamp_ms\":" + ts)));
        addBad(
                bad,
                "EMPTY_FIELD",
                "item_name",
                text(obj(
                        "\"item_id\":\"a\"",
                        "\"store_id\":\"store-01\"",
                        "\"item_name\":\"   \"",
                        "\"item_sold\":1",
                        "\"timestamp_ms\":" + ts)));
        addBad(
                bad,
                "NULL_FIELD",
                "item_name",
                text(obj(
                        "\"item_id\":\"a\"",
                        "\"store_id\":\"store-01\"",
                        "\"item_name\":null",
                        "\"item_sold\":1",
                        "\"timestamp_ms\":" + ts)));
        addBad(
                bad,
                "TIMESTAMP_OUT_OF_RANGE",
                "timestamp_ms",
                text(obj(
                        "\"item_id\":\"a\"",
                        "\"store_id\":\"store-01\"",
                        "\"item_name\":\"apple\"",
                        "\"item_sold\":1",
                        "\"timestamp_ms\":123456")));
        addBad(
                bad,
                "TIMESTAMP_OUT_OF_RANGE",
                "timestamp_ms",
                text(obj(
                        "\"item_id\":\"a\"",
                        "\"store_id\":\"store-01\"",
                        "\"item_name\":\"apple\"",
                        "\"item_sold\":1",
                        "\"timestamp_ms\":\"4102444800000\"")));
        addBad(
                bad,
                "DUPLICATE_FIELD",
                "item_sold",
                text(obj(
                        "\"item_id\":\"a\"",
                        "\"store_id\":\"store-01\"",
                        "\"item_name\":\"apple\"",
                        "\"item_sold\":1",
                        "\"item_sold\":2",
                        "\"timestamp_ms\":" + ts)));
        addBad(
                bad,
                "INVALID_TEXT",
                "item_name",
                text(obj(
                        "\"item_id\":\"a\"",
                        "\"store_id\":\"store-01\"",
                        "\"item_name\":\"x\\uD800y\"",
                        "\"item_sold\":1",
                        "\"timestamp_ms\":" + ts)));
        addBad(
                bad,
                "FIELD_TOO_LONG",
                "item_id",
                text(obj(
                        "\"item_id\":\"" + "i".repeat(300) + "\"",
                        "\"store_id\":\"store-01\"",
                        "\"item_name\":\"apple\"",
                        "\"item_sold\":1",
                        "\"timestamp_ms\":" + ts)));
        addBad(bad, "NOT_AN_OBJECT", "array", text("[1,2,3]"));
        addBad(bad, "NOT_AN_OBJECT", "string", text("\"just a string\""));
        addBad(bad, "EMPTY_MESSAGE", "empty", new byte[0]);
        addBad(bad, "EMPTY_MESSAGE", "tombstone", null);
        addBad(bad, "NOT_UTF8", "UTF-8", new byte[] {
            '{', '"', 'i', 't', 'e', 'm', '_', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'
        });
        addBad(
                bad,
                "OVERSIZE",
                "65536",
                text(obj(
                        "\"item_id\":\"a\"",
                        "\"store_id\":\"store-01\"",
                        "\"item_name\":\"apple\"",
                        "\"item_sold\":1",
                        "\"timestamp_ms\":" + ts,
                        "\"padding\":\"" + "x".repeat(70_000) + "\"")));
        return bad;
    }

    private static void addBad(List<Message> bad, String reason, String mentions, byte[] value) {
        bad.add(new Message(bad.size() % PARTITIONS, value, null, new Bad(reason, mentions)));
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String obj(String... fields) {
        return "{" + String.join(",", fields) + "}";
    }

    private static String str(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
