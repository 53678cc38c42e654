package io.salespipeline.stack.generate;

import io.salespipeline.contract.SaleField;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.Random;

/**
 * Sales events as the stores' tills send them, including their sloppiness: numbers sometimes
 * written as strings, on request malformed messages and events that arrive far behind the others.
 *
 * <p>Everything is drawn from one seeded {@link Random}, whose algorithm the JDK specifies, and
 * event times come from a simulated clock, never the wall clock: the same settings give the same
 * messages byte for byte on any machine, so a run can be repeated and compared with what the
 * pipeline made of it. The stream is endless; the caller decides how many to take.
 */
public final class EventGenerator implements Iterator<Message> {

    /** The pace of event time when sending unthrottled, so that event times still spread out. */
    static final double NOMINAL_RATE = 1000;
    /**
     * Tills report a sale up to this long after it happened, so events are slightly out of order,
     * but well inside the pipeline's out-of-orderness bound (5 s): only late events are late.
     */
    static final int MAX_REPORTING_DELAY_MS = 1000;
    /** Far beyond the pipeline's out-of-orderness plus allowed lateness (5 s + 60 s). */
    static final int MIN_LATENESS_MS = 5 * 60_000;

    static final int MAX_LATENESS_MS = 30 * 60_000;
    /** Quantities are 1..20 except for this many bulk sales in a hundred. */
    private static final int BULK_PERCENT = 3;

    /**
     * @param rate events per second of event time; 0 means {@link #NOMINAL_RATE}
     * @param badRatio the chance that a message is malformed
     * @param lateRatio the chance that a well-formed event is late
     */
    public record Settings(
            long seed, int stores, int items, double badRatio, double lateRatio, long startTimeMs, double rate) {

        /** Events per second of event time the generator runs at. */
        double eventTimeRate() {
            return rate > 0 ? rate : NOMINAL_RATE;
        }
    }

    /** The ways a message is malformed; each is a mistake real producers make. */
    enum Fault {
        NOT_JSON,
        TRUNCATED,
        NOT_AN_OBJECT,
        NOT_UTF8,
        EMPTY_MESSAGE,
        DUPLICATE_FIELD,
        MISSING_FIELD,
        NULL_FIELD,
        WRONG_TYPE,
        EMPTY_STORE_ID,
        NEGATIVE_QUANTITY,
        ABSURD_QUANTITY,
        TIMESTAMP_OUT_OF_RANGE
    }

    private static final Fault[] FAULTS = Fault.values();

    // The producer's field order, which the pipeline must not depend on but real messages have.
    private static final String[] FIELDS = {
        SaleField.ITEM_ID.key(),
        SaleField.ITEM_SOLD.key(),
        SaleField.ITEM_NAME.key(),
        SaleField.TIMESTAMP_MS.key(),
        SaleField.STORE_ID.key()
    };
    private static final int ITEM_ID = 0;
    private static final int ITEM_SOLD = 1;
    private static final int ITEM_NAME = 2;
    private static final int TIMESTAMP_MS = 3;
    private static final int STORE_ID = 4;

    private final Settings settings;
    private final Catalog catalog;
    private final Random random;
    private final double meanStepNanos;
    private long clockNanos;

    public EventGenerator(Settings settings) {
        this.settings = settings;
        this.catalog = new Catalog(settings.stores(), settings.items());
        this.random = new Random(settings.seed());
        this.meanStepNanos = 1e9 / settings.eventTimeRate();
    }

    @Override
    public boolean hasNext() {
        return true;
    }

    @Override
    public Message next() {
        clockNanos += (long) (meanStepNanos * (0.5 + random.nextDouble()));
        long clockMs = settings.startTimeMs() + clockNanos / 1_000_000;
        Catalog.Store store = catalog.store(random);
        Catalog.Item item = catalog.item(random);
        int sold = random.nextInt(100) < BULK_PERCENT
                ? 21 + random.nextInt(480)
                : 1 + (int) (20 * Math.pow(random.nextDouble(), 2));
        boolean bad = random.nextDouble() < settings.badRatio();
        boolean late = !bad && random.nextDouble() < settings.lateRatio();
        long timestampMs = late
                ? clockMs - MIN_LATENESS_MS - random.nextInt(MAX_LATENESS_MS - MIN_LATENESS_MS)
                : clockMs - random.nextInt(MAX_REPORTING_DELAY_MS);
        String[] values = new String[FIELDS.length];
        values[ITEM_ID] = quote(item.id());
        values[ITEM_SOLD] = random.nextInt(4) == 0 ? quote(sold) : Integer.toString(sold);
        values[ITEM_NAME] = quote(item.name());
        values[TIMESTAMP_MS] = random.nextInt(10) == 0 ? Long.toString(timestampMs) : quote(timestampMs);
        values[STORE_ID] = quote(store.name());
        if (!bad) {
            return new Message(store.key(), utf8(render(values)), late, null);
        }
        Fault fault = FAULTS[random.nextInt(FAULTS.length)];
        return new Message(store.key(), malformed(fault, values, store, item, sold, timestampMs), false, fault);
    }

    /**
     * Each fault breaks one rule of the pipeline's parser, so the dead-letter topic sees most of its reject reasons.
     */
    private byte[] malformed(
            Fault fault, String[] values, Catalog.Store store, Catalog.Item item, int sold, long timestampMs) {
        return switch (fault) {
            // Python's str(dict) instead of json.dumps, or a CSV line from an older till.
            case NOT_JSON ->
                utf8(
                        random.nextBoolean()
                                ? render(values).replace('"', '\'')
                                : store.name() + "," + item.id() + "," + sold + "," + timestampMs);
            case TRUNCATED -> {
                String json = render(values);
                yield utf8(json.substring(0, 1 + random.nextInt(json.length() - 1)));
            }
            case NOT_AN_OBJECT -> utf8("[" + render(values) + "]");
            case NOT_UTF8 -> {
                // A till encoding text in Latin-1: its 'è' is a byte UTF-8 cannot decode.
                values[ITEM_NAME] = quote("Crème " + item.name());
                yield render(values).getBytes(StandardCharsets.ISO_8859_1);
            }
            case EMPTY_MESSAGE -> new byte[0];
            case DUPLICATE_FIELD -> {
                String json = render(values);
                yield utf8(json.substring(0, json.length() - 1) + ", \"item_sold\": " + (sold + 1) + "}");
            }
            case MISSING_FIELD -> withValue(values, random.nextInt(FIELDS.length), null);
            case NULL_FIELD -> withValue(values, random.nextInt(FIELDS.length), "null");
            case WRONG_TYPE -> wrongType(values, store, item, sold, timestampMs);
            case EMPTY_STORE_ID -> withValue(values, STORE_ID, random.nextBoolean() ? "\"\"" : "\"  \"");
            case NEGATIVE_QUANTITY -> withValue(values, ITEM_SOLD, Integer.toString(-sold));
            // A barcode scanned into the quantity field.
            case ABSURD_QUANTITY ->
                withValue(values, ITEM_SOLD, Long.toString(4_600_000_000_000L + random.nextInt(1_000_000_000)));
            // Epoch seconds or microseconds instead of milliseconds.
            case TIMESTAMP_OUT_OF_RANGE ->
                withValue(values, TIMESTAMP_MS, quote(random.nextBoolean() ? timestampMs / 1000 : timestampMs * 1000));
        };
    }

    private byte[] wrongType(String[] values, Catalog.Store store, Catalog.Item item, int sold, long timestampMs) {
        return switch (random.nextInt(6)) {
            case 0 -> withValue(values, ITEM_SOLD, "\"a dozen\"");
            case 1 -> withValue(values, ITEM_SOLD, sold + ".5");
            case 2 -> withValue(values, ITEM_SOLD, "true");
            case 3 ->
                withValue(
                        values,
                        TIMESTAMP_MS,
                        quote(Instant.ofEpochMilli(timestampMs).toString()));
            case 4 -> withValue(values, ITEM_ID, item.id().substring(item.id().lastIndexOf('-') + 1));
            default -> withValue(values, STORE_ID, "{\"name\": " + quote(store.name()) + "}");
        };
    }

    private static byte[] withValue(String[] values, int field, String json) {
        values[field] = json;
        return utf8(render(values));
    }

    /** {@code {"name": value, ...}} in the style of Python's json.dumps; null values are left out. */
    private static String render(String[] values) {
        StringBuilder json = new StringBuilder(160).append('{');
        for (int i = 0; i < FIELDS.length; i++) {
            if (values[i] != null) {
                if (json.length() > 1) {
                    json.append(", ");
                }
                json.append('"').append(FIELDS[i]).append("\": ").append(values[i]);
            }
        }
        return json.append('}').toString();
    }

    /** Catalog texts need no escaping: they are plain letters, digits, spaces and dashes. */
    private static String quote(Object value) {
        return "\"" + value + "\"";
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
