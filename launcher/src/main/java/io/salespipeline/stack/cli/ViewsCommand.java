package io.salespipeline.stack.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.salespipeline.contract.ViewSchema;
import io.salespipeline.contract.ViewVersions;
import io.salespipeline.stack.Args;
import io.salespipeline.stack.StackException;
import io.salespipeline.stack.views.ViewsReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code ./views}: the read patterns of the views, as an aligned text table for people or
 * JSON for programs. Column names are the views' own (cql/10-views.cql), the product's read API.
 */
public final class ViewsCommand {

    static final String USAGE = String.join(
            "\n",
            "usage: ./views <pattern> [options]",
            "  sale --item ITEM_ID                the latest sale of an item (item_sales)",
            "  store-day --store STORE_ID [--day D] [--limit N]",
            "                                     a store's sales of a day, newest first, at most N (default "
                    + "50) (sales_by_store_day)",
            "  store-minutes --store STORE_ID [--day D] [--from HH:MM] [--to HH:MM]",
            "                                     units and events per minute of a store, windows starting in "
                    + "[from, to) (store_sales_per_minute)",
            "  item-hours --item-name NAME [--day D]",
            "                                     units and events per hour of an item name across stores "
                    + "(item_sales_per_hour)",
            "  top-items --store STORE_ID [--day D] [--hour HH]",
            "                                     a store's top items per hour by units, rank 1 first "
                    + "(top_items_per_store_hour)",
            "  region-hours --region REGION [--day D]",
            "                                     units, revenue and events per hour of a region, in versions of "
                    + "the enriched logic (region_sales_per_hour)",
            "versions of the enriched logic add revenue and unpriced_events to the window views, category and "
                    + "revenue to the top items",
            "days and times are UTC; --day YYYY-MM-DD defaults to today",
            "version: the active one (sales.active_version), or --version N (keyspace sales_vN), or --keyspace NAME",
            "output: an aligned table, or --json: {\"keyspace\", \"version\", \"query\", \"rows\": [{column: "
                    + "value}]}, times ISO-8601",
            "endpoint: --contact HOST:PORT (else CASSANDRA_CONTACT, else the local ./stack)",
            "no rows is not an error: exit 0 with a note on stderr; bad arguments exit 2, other failures 1");

    static final int DEFAULT_LIMIT = 50;

    static final List<String> ITEM_SALES =
            List.of("item_id", "store_id", "timestamp_ms", "timestamp_dt", "item_name", "item_sold");
    static final List<String> SALES_BY_STORE_DAY =
            List.of("store_id", "timestamp_dt", "timestamp_ms", "event_id", "item_id", "item_name", "item_sold");
    static final List<String> STORE_SALES_PER_MINUTE =
            List.of("store_id", "window_date", "window_start", "window_end", "units", "events", "final");
    static final List<String> ITEM_SALES_PER_HOUR =
            List.of("item_name", "window_date", "window_start", "window_end", "units", "events", "final");
    static final List<String> TOP_ITEMS_PER_STORE_HOUR =
            List.of("store_id", "window_date", "window_start", "rank", "item_name", "units", "final");
    static final List<String> REGION_SALES_PER_HOUR =
            List.of("region", "window_date", "window_start", "window_end", "units", "events", "final");

    private static final Map<String, Set<String>> PATTERN_OPTIONS = Map.of(
            "sale", Set.of("item"),
            "store-day", Set.of("store", "day", "limit"),
            "store-minutes", Set.of("store", "day", "from", "to"),
            "item-hours", Set.of("item-name", "day"),
            "top-items", Set.of("store", "day", "hour"),
            "region-hours", Set.of("region", "day"));
    /** The patterns that read a window view, whose rows gain the enriched logic's columns. */
    private static final Set<String> WINDOW_PATTERNS = Set.of("store-minutes", "item-hours", "region-hours");

    private static final String PATTERNS = "sale, store-day, store-minutes, item-hours, top-items, region-hours";
    private static final Set<String> TARGET_OPTIONS = Set.of("contact", "keyspace", "version");
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One read: the pattern and its parameters as echoed in the output, the phrase naming what was
     * asked for (in the header and the no-rows note), and the read itself as rows of cells.
     */
    record Request(
            String pattern,
            Map<String, Object> query,
            String subject,
            List<String> columns,
            Function<ViewsReader, List<List<Object>>> read) {

        /**
         * The columns in a keyspace of {@code schema}: the store-day, window and ranking views gain what the enriched
         * logic adds.
         */
        List<String> columns(ViewSchema schema) {
            List<String> all = new ArrayList<>(columns);
            if (WINDOW_PATTERNS.contains(pattern)) {
                all.addAll(schema.addedWindowColumns());
            } else if (pattern.equals("top-items")) {
                all.addAll(schema.addedRankColumns());
            } else if (pattern.equals("store-day")) {
                all.addAll(schema.addedStoreSaleColumns());
            }
            return all;
        }
    }

    /** A parsed command line: what to read, where, and how to print it. */
    record Invocation(Request request, String contact, String keyspace, boolean json) {}

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;
    private final Supplier<String> localContact;
    private final Clock clock;

    /**
     * @param localContact the running local stack's Cassandra, asked only when neither --contact nor CASSANDRA_CONTACT
     *   is given
     * @param clock what "today" is when --day is absent
     */
    public ViewsCommand(
            PrintStream out,
            PrintStream err,
            Map<String, String> environment,
            Supplier<String> localContact,
            Clock clock) {
        this.out = out;
        this.err = err;
        this.environment = environment;
        this.localContact = localContact;
        this.clock = clock;
    }

    /** Runs one command line; errors are printed as one line, the exit code is returned. */
    public int run(List<String> argv) {
        try {
            if (argv.isEmpty() || argv.get(0).equals("help") || argv.contains("--help") || argv.contains("-h")) {
                out.println(USAGE);
                return argv.isEmpty() ? 2 : 0;
            }
            Invocation invocation = parse(argv);
            try (ViewsReader reader = ViewsReader.open(invocation.contact(), invocation.keyspace())) {
                Request request = invocation.request();
                List<List<Object>> rows = request.read().apply(reader);
                if (invocation.json()) {
                    out.println(
                            json(reader.keyspace(), reader.version(), request.columns(reader.schema()), request, rows));
                } else {
                    printTable(
                            out,
                            header(reader.keyspace(), reader.version(), invocation.keyspace() == null, request),
                            request.columns(reader.schema()),
                            rows);
                }
                if (rows.isEmpty()) {
                    err.println("no rows for " + request.subject() + " in " + reader.keyspace());
                }
                return 0;
            }
        } catch (StackException e) {
            err.println("views: " + e.getMessage());
            return e.exitCode();
        }
    }

    /** Checks the whole command line before anything connects, so a typo never waits for Cassandra. */
    Invocation parse(List<String> argv) {
        String pattern = argv.get(0);
        Set<String> patternOptions = PATTERN_OPTIONS.get(pattern);
        if (patternOptions == null) {
            throw StackException.usage(
                    "unknown read pattern '" + pattern + "' (patterns: " + PATTERNS + "; ./views help)");
        }
        Set<String> valued = new HashSet<>(patternOptions);
        valued.addAll(TARGET_OPTIONS);
        Args args = Args.parse(argv.subList(1, argv.size()), valued, Set.of("json"));
        if (!args.positional().isEmpty()) {
            throw StackException.usage(
                    "unexpected argument '" + args.positional().get(0) + "' (options are named, see ./views help)");
        }
        Request request = switch (pattern) {
            case "sale" -> sale(args);
            case "store-day" -> storeDay(args);
            case "store-minutes" -> storeMinutes(args);
            case "item-hours" -> itemHours(args);
            case "top-items" -> topItems(args);
            case "region-hours" -> regionHours(args);
            default -> throw new IllegalStateException("no parser for pattern " + pattern);
        };
        // last, so the local stack's settings are only looked up for a command line that is valid
        String keyspace = keyspace(args);
        return new Invocation(request, contact(args), keyspace, args.flag("json"));
    }

    private static Request sale(Args args) {
        String item = required(args, "sale", "item", "ITEM_ID");
        return new Request(
                "sale",
                query("sale", "item_id", item),
                "item '" + item + "'",
                ITEM_SALES,
                r -> r.sale(item).map(ViewsCommand::cells).stream().toList());
    }

    private Request storeDay(Args args) {
        String store = required(args, "store-day", "store", "STORE_ID");
        LocalDate day = day(args);
        Integer limitOption = args.intValue("limit");
        int limit = limitOption == null ? DEFAULT_LIMIT : limitOption;
        if (limit <= 0) {
            throw StackException.usage("--limit must be positive, got " + limit);
        }
        Map<String, Object> query = query("store-day", "store_id", store);
        query.put("timestamp_dt", day.toString());
        query.put("limit", limit);
        return new Request(
                "store-day",
                query,
                "store '" + store + "' on " + day,
                SALES_BY_STORE_DAY,
                r -> r.storeDay(store, day, limit).stream()
                        .map(row -> cells(row, r.schema()))
                        .toList());
    }

    private Request storeMinutes(Args args) {
        String store = required(args, "store-minutes", "store", "STORE_ID");
        LocalDate day = day(args);
        LocalTime from = time(args, "from");
        LocalTime to = time(args, "to");
        if (from != null && to != null && !from.isBefore(to)) {
            throw StackException.usage("--from " + HH_MM.format(from) + " must be before --to " + HH_MM.format(to));
        }
        Map<String, Object> query = query("store-minutes", "store_id", store);
        query.put("window_date", day.toString());
        String subject = "store '" + store + "' on " + day;
        if (from != null) {
            query.put("from", HH_MM.format(from));
            subject += " from " + HH_MM.format(from);
        }
        if (to != null) {
            query.put("to", HH_MM.format(to));
            subject += " to " + HH_MM.format(to);
        }
        LocalTime start = from == null ? LocalTime.MIDNIGHT : from;
        return new Request(
                "store-minutes",
                query,
                subject,
                STORE_SALES_PER_MINUTE,
                r -> r.storeMinutes(store, day, start, to).stream()
                        .map(row -> cells(row, r.schema()))
                        .toList());
    }

    private Request itemHours(Args args) {
        String itemName = required(args, "item-hours", "item-name", "NAME");
        return hoursOfADay(
                args, "item-hours", "item_name", itemName, "item name", ITEM_SALES_PER_HOUR, ViewsReader::itemHours);
    }

    private Request regionHours(Args args) {
        String region = required(args, "region-hours", "region", "REGION");
        return hoursOfADay(
                args, "region-hours", "region", region, "region", REGION_SALES_PER_HOUR, ViewsReader::regionHours);
    }

    private interface DayRead {
        List<ViewsReader.WindowRow> read(ViewsReader reader, String key, LocalDate day);
    }

    /** The hour windows of one key's day: {@code item-hours} and {@code region-hours}. */
    private Request hoursOfADay(
            Args args,
            String command,
            String keyColumn,
            String key,
            String keyLabel,
            List<String> columns,
            DayRead read) {
        LocalDate day = day(args);
        Map<String, Object> query = query(command, keyColumn, key);
        query.put("window_date", day.toString());
        return new Request(
                command,
                query,
                keyLabel + " '" + key + "' on " + day,
                columns,
                r -> read.read(r, key, day).stream()
                        .map(row -> cells(row, r.schema()))
                        .toList());
    }

    private Request topItems(Args args) {
        String store = required(args, "top-items", "store", "STORE_ID");
        LocalDate day = day(args);
        Integer hour = args.intValue("hour");
        if (hour != null && (hour < 0 || hour > 23)) {
            throw StackException.usage("--hour must be 0-23 (UTC), got " + hour);
        }
        Map<String, Object> query = query("top-items", "store_id", store);
        query.put("window_date", day.toString());
        if (hour == null) {
            return new Request(
                    "top-items",
                    query,
                    "store '" + store + "' on " + day,
                    TOP_ITEMS_PER_STORE_HOUR,
                    r -> r.topItems(store, day).stream()
                            .map(row -> cells(row, r.schema()))
                            .toList());
        }
        query.put("hour", hour);
        return new Request(
                "top-items",
                query,
                "store '" + store + "' on " + day + " at hour " + String.format(Locale.ROOT, "%02d", hour),
                TOP_ITEMS_PER_STORE_HOUR,
                r -> r.topItems(store, day, hour).stream()
                        .map(row -> cells(row, r.schema()))
                        .toList());
    }

    private static Map<String, Object> query(String pattern, String keyColumn, String key) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("pattern", pattern);
        query.put(keyColumn, key);
        return query;
    }

    private static String required(Args args, String pattern, String option, String placeholder) {
        String value = args.value(option);
        if (value == null || value.isBlank()) {
            throw StackException.usage(pattern + " needs --" + option + " " + placeholder);
        }
        return value;
    }

    private LocalDate day(Args args) {
        String value = args.value("day");
        if (value == null) {
            return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        }
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw StackException.usage("--day expects a date YYYY-MM-DD, got '" + value + "'");
        }
    }

    private static LocalTime time(Args args, String option) {
        String value = args.value(option);
        if (value == null) {
            return null;
        }
        try {
            return LocalTime.parse(value.trim(), HH_MM);
        } catch (DateTimeParseException e) {
            throw StackException.usage("--" + option + " expects a UTC time HH:MM, got '" + value + "'");
        }
    }

    private String contact(Args args) {
        String contact = args.value("contact");
        if (contact == null || contact.isBlank()) {
            contact = environment.get("CASSANDRA_CONTACT");
        }
        return contact == null || contact.isBlank() ? localContact.get() : contact.trim();
    }

    private static String keyspace(Args args) {
        String keyspace = args.value("keyspace");
        Integer version = args.intValue("version");
        if (keyspace != null && version != null) {
            throw StackException.usage("--keyspace and --version both choose what to read: give one");
        }
        if (version != null) {
            if (version <= 0) {
                throw StackException.usage("--version must be positive, got " + version);
            }
            return ViewVersions.keyspace(version);
        }
        return keyspace == null ? null : ViewsReader.checkedKeyspace(keyspace);
    }

    // ---------------------------------------------------------------- rows as cells, in the views' column order

    static List<Object> cells(ViewsReader.SaleRow r) {
        return Arrays.asList(r.itemId(), r.storeId(), r.timestamp(), r.day(), r.itemName(), r.itemSold());
    }

    /** The enriched logic's region last, when the keyspace has it. */
    static List<Object> cells(ViewsReader.StoreSaleRow r, ViewSchema schema) {
        List<Object> cells = new ArrayList<>(Arrays.asList(
                r.storeId(), r.day(), r.timestamp(), r.eventId(), r.itemId(), r.itemName(), r.itemSold()));
        if (schema == ViewSchema.ENRICHED) {
            cells.add(r.region());
        }
        return cells;
    }

    // window_date is not part of the row records: it is by definition the UTC day of window_start, as the job writes
    // it.
    /** The enriched logic's revenue and unpriced events last, when the keyspace has them. */
    static List<Object> cells(ViewsReader.WindowRow r, ViewSchema schema) {
        List<Object> cells = new ArrayList<>(Arrays.asList(
                r.key(), utcDay(r.windowStart()), r.windowStart(), r.windowEnd(), r.units(), r.events(), r.isFinal()));
        if (schema == ViewSchema.ENRICHED) {
            cells.add(r.revenue());
            cells.add(r.unpricedEvents());
        }
        return cells;
    }

    /** The enriched logic's category and revenue last, when the keyspace has them. */
    static List<Object> cells(ViewsReader.TopItemRow r, ViewSchema schema) {
        List<Object> cells = new ArrayList<>(Arrays.asList(
                r.storeId(), utcDay(r.windowStart()), r.windowStart(), r.rank(), r.itemName(), r.units(), r.isFinal()));
        if (schema == ViewSchema.ENRICHED) {
            cells.add(r.category());
            cells.add(r.revenue());
        }
        return cells;
    }

    private static LocalDate utcDay(Instant instant) {
        return instant == null ? null : LocalDate.ofInstant(instant, ZoneOffset.UTC);
    }

    // ---------------------------------------------------------------- output

    static String header(String keyspace, int version, boolean active, Request request) {
        String target =
                "keyspace " + keyspace + (version < 0 ? "" : ", view version " + version) + (active ? " (active)" : "");
        return target + ": " + request.pattern() + " for " + request.subject();
    }

    /** Columns padded to their widest cell; numbers right-aligned so digits line up. */
    static void printTable(PrintStream out, String header, List<String> columns, List<List<Object>> rows) {
        int[] widths = new int[columns.size()];
        boolean[] numeric = new boolean[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            widths[i] = columns.get(i).length();
            for (List<Object> row : rows) {
                widths[i] = Math.max(widths[i], text(row.get(i)).length());
                numeric[i] |= row.get(i) instanceof Number;
            }
        }
        out.println(header);
        List<List<String>> lines = new ArrayList<>();
        lines.add(columns);
        for (List<Object> row : rows) {
            lines.add(row.stream().map(ViewsCommand::text).toList());
        }
        for (List<String> line : lines) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < line.size(); i++) {
                String cell = line.get(i);
                String pad = " ".repeat(widths[i] - cell.length());
                sb.append(i == 0 ? "" : "  ")
                        .append(numeric[i] ? pad + cell : cell + (i == line.size() - 1 ? "" : pad));
            }
            out.println(sb);
        }
        out.println("(" + rows.size() + (rows.size() == 1 ? " row)" : " rows)"));
    }

    /** One line of JSON; a keyspace that is not a view version has version null. */
    static String json(String keyspace, int version, List<String> columns, Request request, List<List<Object>> rows) {
        ObjectNode root = JSON.createObjectNode();
        root.put("keyspace", keyspace);
        if (version < 0) {
            root.putNull("version");
        } else {
            root.put("version", version);
        }
        ObjectNode query = root.putObject("query");
        request.query().forEach((name, value) -> put(query, name, value));
        ArrayNode array = root.putArray("rows");
        for (List<Object> row : rows) {
            ObjectNode node = array.addObject();
            for (int i = 0; i < columns.size(); i++) {
                put(node, columns.get(i), row.get(i));
            }
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void put(ObjectNode node, String name, Object value) {
        if (value == null) {
            node.putNull(name);
        } else if (value instanceof Boolean b) {
            node.put(name, b);
        } else if (value instanceof Integer i) {
            node.put(name, i);
        } else if (value instanceof Long l) {
            node.put(name, l);
        } else if (value instanceof BigDecimal d) {
            // a JSON number with every digit: revenue is exact
            node.put(name, d);
        } else {
            node.put(name, text(value));
        }
    }

    // Instant and LocalDate print as ISO-8601 (2024-03-01T10:15:00Z, 2024-03-01), in tables and JSON alike.
    private static String text(Object value) {
        return String.valueOf(value);
    }
}
