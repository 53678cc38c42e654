package io.salespipeline.e2e.drills;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.salespipeline.job.parse.SaleRecordDeserializer;
import io.salespipeline.job.records.LateReason;
import io.salespipeline.job.records.SaleEvent;
import io.salespipeline.job.records.SourceRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The pipeline's promises checked against the log itself, after the fact: every offset of the log
 * is exactly one of a {@code sales_by_store_day} row (by event_id) or one dead letter; late events
 * are valid events that were behind their own partition (no watermark ran ahead of the log); every
 * final store-minute and item-hour window and every final top-N ranking equals a recount from the
 * log (excluding the events the late topic names), no window or rank holds more than that recount,
 * and each item's {@code item_sales} row is its newest sale in the log.
 */
final class LogAudit {

    private static final long ALLOWED_LATENESS_MS = 60_000;
    private static final Pattern REASON = Pattern.compile("\"reason\":\"([A-Z_0-9]+)\"");
    private static final Pattern SOURCE = Pattern.compile("\"partition\":(\\d+),\"offset\":(\\d+)");

    /** What was found wrong; empty when every promise held. */
    record Findings(
            List<String> problems,
            int logRecords,
            int valid,
            int deadLetters,
            int late,
            int finalWindows,
            Map<String, String> deadLetterReasons) {}

    private final String bootstrap;
    private final CqlSession cql;
    private final String keyspace;

    LogAudit(String bootstrap, CqlSession cql, String keyspace) {
        this.bootstrap = bootstrap;
        this.cql = cql;
        this.keyspace = keyspace;
    }

    Findings audit(String topic, String dlqTopic, String lateTopic) {
        List<String> problems = new ArrayList<>();
        // the job's own deserializer: the parser, and the future-skew check against the record timestamp
        SaleRecordDeserializer deserializer = new SaleRecordDeserializer();
        Map<String, SaleEvent> valid = new HashMap<>();
        Set<String> rejected = new HashSet<>();
        List<ConsumerRecord<byte[], byte[]>> log = readAll(topic, false);
        for (ConsumerRecord<byte[], byte[]> r : log) {
            List<SourceRecord> out = new ArrayList<>(1);
            deserializer.deserialize(r, new ListCollector<>(out));
            String position = r.partition() + "-" + r.offset();
            if (out.get(0).isValid()) {
                valid.put(position, out.get(0).event);
            } else {
                rejected.add(position);
            }
        }

        Map<String, Integer> deadLetters = new HashMap<>();
        Map<String, String> reasons = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(dlqTopic, true)) {
            deadLetters.merge(position(r.value()), 1, Integer::sum);
            Matcher reason = REASON.matcher(new String(r.value(), StandardCharsets.UTF_8));
            reasons.put(position(r.value()), reason.find() ? reason.group(1) : "?");
        }
        Set<String> late = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(lateTopic, true)) {
            String envelope = new String(r.value(), StandardCharsets.UTF_8);
            if (envelope.contains("\"late_reason\":\"" + LateReason.WINDOW_CLOSED_AFTER_IDLE.code() + "\"")) {
                // only after a subtask's partitions were all idle while the others moved on: no drill does that
                problems.add("a window closed before sales reached it: " + envelope);
                continue;
            }
            if (!late.add(position(r.value()))) {
                problems.add("late event " + position(r.value()) + " written twice");
            }
        }

        Set<String> inViews = storeDayEventIds(valid.values());
        for (ConsumerRecord<byte[], byte[]> r : log) {
            String position = r.partition() + "-" + r.offset();
            boolean row = inViews.contains(position);
            int letters = deadLetters.getOrDefault(position, 0);
            if (row && letters > 0) {
                problems.add(position + " is both a view row and a dead letter");
            } else if (!row && letters == 0) {
                problems.add(position + " is neither a view row nor a dead letter ("
                        + (valid.containsKey(position) ? "valid" : "invalid") + ")");
            } else if (letters > 1) {
                problems.add(position + " has " + letters + " dead letters");
            } else if (row != valid.containsKey(position)) {
                problems.add(position
                        + (row
                                ? " is a view row but the parser rejects it"
                                : " is a dead letter but the parser accepts it"));
            }
        }
        Set<String> behindTheirPartition = behindTheirPartition(log, valid);
        for (String position : late) {
            if (!valid.containsKey(position)) {
                problems.add("late event " + position + " is not a valid event of the log");
            } else if (!behindTheirPartition.contains(position)) {
                problems.add("late event " + position
                        + " was in step with its partition: the watermark ran ahead of the log");
            }
        }

        int finalWindows =
                auditWindows("store_sales_per_minute", "store_id", e -> e.storeId, 60_000, valid, late, problems);
        finalWindows +=
                auditWindows("item_sales_per_hour", "item_name", e -> e.itemName, 3_600_000, valid, late, problems);
        finalWindows += auditTopItems(valid, late, problems);
        auditLatestSales(valid, problems);
        return new Findings(problems, log.size(), valid.size(), deadLetters.size(), late.size(), finalWindows, reasons);
    }

    private static long hourOf(SaleEvent e) {
        return Math.floorDiv(e.timestampMs, 3_600_000L) * 3_600_000L;
    }

    /**
     * A window view keyed by one field of the event ({@code keyColumn}, {@code keyOf}) with windows
     * of {@code sizeMs}: every final window equals the recount without late events, no window holds
     * more; returns how many final windows it checked.
     */
    private int auditWindows(
            String table,
            String keyColumn,
            Function<SaleEvent, String> keyOf,
            long sizeMs,
            Map<String, SaleEvent> valid,
            Set<String> late,
            List<String> problems) {
        Map<String, long[]> recount = new HashMap<>();
        Set<String> keys = new TreeSet<>();
        valid.forEach((position, e) -> {
            keys.add(keyOf.apply(e));
            if (!late.contains(position)) {
                long[] tally = recount.computeIfAbsent(
                        keyOf.apply(e) + "@" + Math.floorDiv(e.timestampMs, sizeMs) * sizeMs, k -> new long[2]);
                tally[0] += e.itemSold;
                tally[1]++;
            }
        });
        int finals = 0;
        PreparedStatement windows = cql.prepare("SELECT window_start, units, events, final FROM " + keyspace + "."
                + table + " WHERE " + keyColumn + " = ? AND window_date = ?");
        for (String key : keys) {
            for (LocalDate day : days(valid.values())) {
                for (Row w : cql.execute(windows.bind(key, day))) {
                    String window = table + " " + key + "@"
                            + w.getInstant("window_start").toEpochMilli();
                    long[] expected = recount.getOrDefault(
                            key + "@" + w.getInstant("window_start").toEpochMilli(), new long[2]);
                    long units = w.getLong("units");
                    long events = w.getLong("events");
                    if (w.getBoolean("final")) {
                        finals++;
                        if (units != expected[0] || events != expected[1]) {
                            problems.add("final window " + window + " holds " + units + "/" + events + ", the log says "
                                    + expected[0] + "/" + expected[1]);
                        }
                    } else if (units > expected[0] || events > expected[1]) {
                        problems.add("open window " + window + " holds " + units + "/" + events
                                + ", more than the log's " + expected[0] + "/" + expected[1]);
                    }
                }
            }
        }
        return finals;
    }

    /**
     * {@code top_items_per_store_hour}: a final ranking is the recount's top items (units
     * descending, then name), each rank with its item's units; an early rank never holds more
     * units than the recount gives its item.
     */
    private int auditTopItems(Map<String, SaleEvent> valid, Set<String> late, List<String> problems) {
        Map<String, Map<String, Long>> unitsByStoreHour = new HashMap<>();
        valid.forEach((position, e) -> {
            if (!late.contains(position)) {
                unitsByStoreHour
                        .computeIfAbsent(e.storeId + "@" + hourOf(e), k -> new HashMap<>())
                        .merge(e.itemName, (long) e.itemSold, Long::sum);
            }
        });
        Map<String, List<Row>> ranksByWindow = new TreeMap<>();
        PreparedStatement ranks = cql.prepare("SELECT window_start, rank, item_name, units, final FROM " + keyspace
                + ".top_items_per_store_hour WHERE store_id = ? AND window_date = ?");
        for (String store : stores(valid.values())) {
            for (LocalDate day : days(valid.values())) {
                for (Row r : cql.execute(ranks.bind(store, day))) {
                    ranksByWindow
                            .computeIfAbsent(
                                    store + "@" + r.getInstant("window_start").toEpochMilli(), k -> new ArrayList<>())
                            .add(r);
                }
            }
        }
        int finals = 0;
        for (Map.Entry<String, List<Row>> window : ranksByWindow.entrySet()) {
            Map<String, Long> units = unitsByStoreHour.getOrDefault(window.getKey(), Map.of());
            List<Map.Entry<String, Long>> expected = units.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue()
                            .reversed()
                            .thenComparing(Map.Entry.comparingByKey()))
                    .toList();
            boolean allFinal = window.getValue().stream().allMatch(r -> r.getBoolean("final"));
            if (allFinal) {
                finals++;
            }
            for (Row r : window.getValue()) {
                int rank = r.getInt("rank");
                String item = r.getString("item_name");
                long held = r.getLong("units");
                if (allFinal) {
                    Map.Entry<String, Long> should = rank <= expected.size() ? expected.get(rank - 1) : null;
                    if (should == null || !should.getKey().equals(item) || should.getValue() != held) {
                        problems.add("final rank " + rank + " of " + window.getKey() + " is " + item + " " + held
                                + ", the log says " + should);
                    }
                } else if (held > units.getOrDefault(item, 0L)) {
                    problems.add("early rank " + rank + " of " + window.getKey() + " gives " + item + " " + held
                            + " units, more than the log's " + units.getOrDefault(item, 0L));
                }
            }
        }
        return finals;
    }

    /**
     * {@code item_sales}: each item's row is its newest sale by event time (late or not), of one
     * millisecond the one latest in the log, and always one sale whole.
     */
    private void auditLatestSales(Map<String, SaleEvent> valid, List<String> problems) {
        Comparator<SaleEvent> newestSale = Comparator.<SaleEvent>comparingLong(e -> e.timestampMs)
                .thenComparingInt(e -> e.sourcePartition)
                .thenComparingLong(e -> e.sourceOffset);
        Map<String, SaleEvent> newest = new HashMap<>();
        for (SaleEvent e : valid.values()) {
            newest.merge(e.itemId, e, BinaryOperator.maxBy(newestSale));
        }
        PreparedStatement sale = cql.prepare("SELECT sale.store_id, sale.timestamp_ms, sale.item_sold FROM " + keyspace
                + ".item_sales WHERE item_id = ?");
        newest.forEach((item, e) -> {
            Row r = cql.execute(sale.bind(item)).one();
            if (r == null) {
                problems.add("item_sales has no row for " + item);
            } else if (!e.storeId.equals(r.getString(0))
                    || r.getInstant(1).toEpochMilli() != e.timestampMs
                    || r.getInt(2) != e.itemSold) {
                problems.add("item_sales row of " + item + " is " + r.getString(0) + "/"
                        + r.getInstant(1).toEpochMilli() + "/" + r.getInt(2) + ", its newest sale in the log is "
                        + e.storeId + "/" + e.timestampMs + "/" + e.itemSold + " at " + e.eventId());
            }
        });
    }

    /**
     * Valid events whose time is more than the allowed lateness behind the newest event before them
     * in their own partition: the only ones that may be late when the partitions advance together.
     */
    private static Set<String> behindTheirPartition(
            List<ConsumerRecord<byte[], byte[]>> log, Map<String, SaleEvent> valid) {
        Set<String> behind = new HashSet<>();
        Map<Integer, Long> newest = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : log) {
            SaleEvent e = valid.get(r.partition() + "-" + r.offset());
            if (e == null) {
                continue;
            }
            long max = newest.getOrDefault(r.partition(), Long.MIN_VALUE);
            if (e.timestampMs < max - ALLOWED_LATENESS_MS) {
                behind.add(r.partition() + "-" + r.offset());
            }
            newest.put(r.partition(), Math.max(max, e.timestampMs));
        }
        return behind;
    }

    private Set<String> storeDayEventIds(Iterable<SaleEvent> events) {
        Set<String> ids = new HashSet<>();
        PreparedStatement rows = cql.prepare(
                "SELECT event_id FROM " + keyspace + ".sales_by_store_day WHERE store_id = ? AND timestamp_dt = ?");
        for (String store : stores(events)) {
            for (LocalDate day : days(events)) {
                for (Row r : cql.execute(rows.bind(store, day).setPageSize(5_000))) {
                    ids.add(r.getString(0));
                }
            }
        }
        return ids;
    }

    private static Set<String> stores(Iterable<SaleEvent> events) {
        Set<String> stores = new TreeSet<>();
        events.forEach(e -> stores.add(e.storeId));
        return stores;
    }

    private static Set<LocalDate> days(Iterable<SaleEvent> events) {
        Set<LocalDate> days = new TreeSet<>();
        events.forEach(e -> days.add(e.timestampDate()));
        return days;
    }

    private static String position(byte[] envelope) {
        Matcher m = SOURCE.matcher(new String(envelope, StandardCharsets.UTF_8));
        if (!m.find()) {
            throw new IllegalStateException(
                    "an envelope without a source position: " + new String(envelope, StandardCharsets.UTF_8));
        }
        return m.group(1) + "-" + m.group(2);
    }

    /**
     * Every record of a topic, from the beginning to the current end (read_committed for the job's transactional
     * topics).
     */
    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, boolean committedOnly) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("isolation.level", committedOnly ? "read_committed" : "read_uncommitted");
        props.put("max.partition.fetch.bytes", Integer.toString(16 * 1024 * 1024));
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " to its end took over 2 min");
                }
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }
}
