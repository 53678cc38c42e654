package io.salespipeline.stack.views;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import io.salespipeline.contract.ViewQueries;
import io.salespipeline.contract.ViewSchema;
import io.salespipeline.contract.ViewTable;
import io.salespipeline.contract.ViewVersions;
import io.salespipeline.stack.StackException;
import io.salespipeline.stack.clients.Clients;
import io.salespipeline.stack.clients.CqlScripts;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The read side of the product: the five read patterns of the views (cql/10-views.cql), each one
 * prepared statement on one partition, against the view version readers are switched to
 * ({@code sales.active_version}) or a keyspace chosen by the caller. All days and times are UTC,
 * as the job writes them.
 */
public final class ViewsReader implements AutoCloseable {

    /** The view name whose row in {@code sales.active_version} readers follow (cql/00-control.cql). */
    static final String VIEW = "sales";

    /** item_sales: the latest sale of an item by event time. */
    public record SaleRow(
            String itemId, String storeId, Instant timestamp, LocalDate day, String itemName, int itemSold) {}

    /** sales_by_store_day: one sale of a store. The region is null in a keyspace of the plain logic. */
    public record StoreSaleRow(
            String storeId,
            LocalDate day,
            Instant timestamp,
            String eventId,
            String itemId,
            String itemName,
            int itemSold,
            String region) {}

    /**
     * store_sales_per_minute or item_sales_per_hour: one window of one key (a store or an item
     * name); {@code isFinal} once the window has closed, before that an early, growing result.
     * Revenue and unpriced events are null in a keyspace of the plain logic.
     */
    public record WindowRow(
            String key,
            Instant windowStart,
            Instant windowEnd,
            long units,
            long events,
            boolean isFinal,
            BigDecimal revenue,
            Long unpricedEvents) {}

    /**
     * top_items_per_store_hour: one rank of one store's hour, rank 1 = most units. Category and revenue are null in a
     * keyspace of the plain logic.
     */
    public record TopItemRow(
            String storeId,
            Instant windowStart,
            int rank,
            String itemName,
            long units,
            boolean isFinal,
            String category,
            BigDecimal revenue) {}

    private final CqlSession session;
    private final String keyspace;
    private final ViewSchema schema;
    private final PreparedStatement sale;
    private final PreparedStatement storeDay;
    private final PreparedStatement storeMinutes;
    private final PreparedStatement itemHours;
    private final PreparedStatement topItems;
    /** Null in a keyspace of the plain logic, which has no region view. */
    private final PreparedStatement regionHours;

    private ViewsReader(CqlSession session, String keyspace) {
        this.session = session;
        this.keyspace = keyspace;
        this.schema = schemaOf(session, keyspace);
        this.sale = prepare(ViewQueries.sale(keyspace));
        this.storeDay = prepare(ViewQueries.storeDay(keyspace, schema));
        this.storeMinutes = prepare(ViewQueries.storeMinutes(keyspace, schema));
        this.itemHours = prepare(ViewQueries.itemHours(keyspace, schema));
        this.topItems = prepare(ViewQueries.topItems(keyspace, schema));
        this.regionHours = schema == ViewSchema.ENRICHED ? prepare(ViewQueries.regionHours(keyspace)) : null;
    }

    /**
     * Connects and prepares the reads: five, and the region view's in a keyspace of the enriched logic.
     *
     * @param keyspaceOverride the keyspace to read; null reads the active version of {@code sales.active_version}
     * @throws StackException when Cassandra does not answer, no version is active, or the keyspace has no views
     */
    public static ViewsReader open(String cassandraContact, String keyspaceOverride) {
        String override = keyspaceOverride == null ? null : checkedKeyspace(keyspaceOverride);
        CqlSession session = Clients.cqlSession(
                cassandraContact, "pass --contact or CASSANDRA_CONTACT; is the stack up? ./stack status");
        try {
            String keyspace = override != null ? override : activeKeyspace(session);
            if (!CqlScripts.keyspaceExists(session, keyspace)) {
                throw new StackException("keyspace " + keyspace + " does not exist"
                        + (override == null
                                ? ", although sales.active_version points at it (./replay status)"
                                : " (./replay status lists the view versions)"));
            }
            return new ViewsReader(session, keyspace);
        } catch (RuntimeException e) {
            session.closeAsync();
            throw e;
        }
    }

    public String keyspace() {
        return keyspace;
    }

    /** The schema of the logic whose views the keyspace holds: enriched when its minute view has revenue. */
    public ViewSchema schema() {
        return schema;
    }

    private static ViewSchema schemaOf(CqlSession session, String keyspace) {
        boolean enriched = session.getMetadata()
                .getKeyspace(keyspace)
                .flatMap(k -> k.getTable(ViewTable.STORE_SALES_PER_MINUTE.table()))
                .map(t -> t.getColumn(ViewSchema.ENRICHED_WINDOW_COLUMNS.get(0)).isPresent())
                .orElse(false);
        return ViewSchema.of(enriched);
    }

    public int version() {
        return versionOf(keyspace);
    }

    public Optional<SaleRow> sale(String itemId) {
        return read(
                        sale.bind(itemId),
                        r -> new SaleRow(
                                r.getString("item_id"),
                                r.getString("store_id"),
                                r.getInstant("timestamp_ms"),
                                r.getLocalDate("timestamp_dt"),
                                r.getString("item_name"),
                                r.getInt("item_sold")))
                .stream()
                .findFirst();
    }

    /** The newest {@code limit} sales of a store on a day, newest first. */
    public List<StoreSaleRow> storeDay(String storeId, LocalDate day, int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        return read(
                storeDay.bind(storeId, day, limit),
                r -> new StoreSaleRow(
                        r.getString("store_id"),
                        r.getLocalDate("timestamp_dt"),
                        r.getInstant("timestamp_ms"),
                        r.getString("event_id"),
                        r.getString("item_id"),
                        r.getString("item_name"),
                        r.getInt("item_sold"),
                        schema == ViewSchema.ENRICHED
                                ? r.getString(ViewSchema.ENRICHED_STORE_SALE_COLUMNS.get(0))
                                : null));
    }

    /** Every minute window of a store's day, oldest first. */
    public List<WindowRow> storeMinutes(String storeId, LocalDate day) {
        return storeMinutes(storeId, day, LocalTime.MIDNIGHT, null);
    }

    /**
     * The minute windows of a store's day starting in [{@code from}, {@code to}), oldest first.
     *
     * @param to null for the end of the day
     */
    public List<WindowRow> storeMinutes(String storeId, LocalDate day, LocalTime from, LocalTime to) {
        return read(storeMinutes.bind(storeId, day, startOf(day, from), endOf(day, to)), r -> windowRow(r, "store_id"));
    }

    /** Every hour window of an item name's day, across stores, oldest first. */
    public List<WindowRow> itemHours(String itemName, LocalDate day) {
        return read(itemHours.bind(itemName, day), r -> windowRow(r, "item_name"));
    }

    /**
     * Every hour window of a region's day, oldest first.
     *
     * @throws StackException when the keyspace holds the views of the plain logic, which has no regions
     */
    public List<WindowRow> regionHours(String region, LocalDate day) {
        if (regionHours == null) {
            throw new StackException("keyspace " + keyspace + " holds the views of the plain logic, without regions "
                    + "(a version reprocessed with --enrichment true has them)");
        }
        return read(regionHours.bind(region, day), r -> windowRow(r, "region"));
    }

    /** The ranks of every hour of a store's day, by hour then rank. */
    public List<TopItemRow> topItems(String storeId, LocalDate day) {
        return topItems(storeId, day, LocalTime.MIDNIGHT, null);
    }

    /** The ranks of one hour (0-23, UTC) of a store's day. */
    public List<TopItemRow> topItems(String storeId, LocalDate day, int hour) {
        LocalTime start = LocalTime.of(hour, 0);
        return topItems(storeId, day, start, hour == 23 ? null : start.plusHours(1));
    }

    private List<TopItemRow> topItems(String storeId, LocalDate day, LocalTime from, LocalTime to) {
        return read(
                topItems.bind(storeId, day, startOf(day, from), endOf(day, to)),
                r -> new TopItemRow(
                        r.getString("store_id"),
                        r.getInstant("window_start"),
                        r.getInt("rank"),
                        r.getString("item_name"),
                        r.getLong("units"),
                        r.getBoolean("final"),
                        schema == ViewSchema.ENRICHED ? r.getString(ViewSchema.ENRICHED_RANK_COLUMNS.get(0)) : null,
                        schema == ViewSchema.ENRICHED
                                ? r.getBigDecimal(ViewSchema.ENRICHED_RANK_COLUMNS.get(1))
                                : null));
    }

    /**
     * Starts closing the session without waiting for it: the driver's I/O threads wait out a 2 s
     * quiet period after the connections are gone, which would double the time of every ./views call.
     */
    @Override
    public void close() {
        session.closeAsync();
    }

    /** The view version kept in {@code keyspace}, or -1 when it is not a {@code sales_vN} keyspace. */
    public static int versionOf(String keyspace) {
        return ViewVersions.versionOfKeyspace(keyspace).orElse(-1);
    }

    public static String checkedKeyspace(String keyspace) {
        String lower = keyspace.toLowerCase(Locale.ROOT);
        if (!ViewVersions.isKeyspaceName(lower)) {
            throw StackException.usage(
                    "not a keyspace name: '" + keyspace + "' (letters, digits and _, starting with a letter)");
        }
        return lower;
    }

    private static String activeKeyspace(CqlSession session) {
        Row row;
        try {
            row = session.execute(SimpleStatement.newInstance(
                            "SELECT keyspace_name FROM sales.active_version WHERE view_name = ?", VIEW))
                    .one();
        } catch (InvalidQueryException e) {
            throw new StackException(
                    "no control keyspace 'sales' (apply cql/ with ./stack cql, or pass --keyspace): " + oneLine(e));
        } catch (DriverException e) {
            throw new StackException("cannot read sales.active_version: " + oneLine(e));
        }
        if (row == null || row.isNull("keyspace_name")) {
            throw new StackException(
                    "no active version is recorded in sales.active_version (deploy with ./replay deploy, or "
                            + "pass --keyspace or --version)");
        }
        return checkedKeyspace(row.getString("keyspace_name"));
    }

    private PreparedStatement prepare(String cql) {
        try {
            return session.prepare(cql);
        } catch (InvalidQueryException e) {
            throw new StackException(
                    "keyspace " + keyspace + " does not hold the views of cql/10-views.cql: " + oneLine(e));
        } catch (DriverException e) {
            throw new StackException("cannot prepare the reads of " + keyspace + ": " + oneLine(e));
        }
    }

    private <T> List<T> read(BoundStatement statement, Function<Row, T> mapper) {
        List<T> rows = new ArrayList<>();
        try {
            for (Row row : session.execute(statement)) {
                rows.add(mapper.apply(row));
            }
        } catch (DriverException e) {
            throw new StackException("reading " + keyspace + " failed: " + oneLine(e));
        }
        return rows;
    }

    private WindowRow windowRow(Row r, String keyColumn) {
        boolean enriched = schema == ViewSchema.ENRICHED;
        List<String> added = schema.addedWindowColumns();
        return new WindowRow(
                r.getString(keyColumn),
                r.getInstant("window_start"),
                r.getInstant("window_end"),
                r.getLong("units"),
                r.getLong("events"),
                r.getBoolean("final"),
                enriched ? r.getBigDecimal(added.get(0)) : null,
                enriched && !r.isNull(added.get(1)) ? r.getLong(added.get(1)) : null);
    }

    // Driver messages list every node tried on separate lines; the CLI prints errors as one line.
    private static String oneLine(DriverException e) {
        return String.valueOf(e.getMessage()).replaceAll("\\s*\\R\\s*", " ").trim();
    }

    private static Instant startOf(LocalDate day, LocalTime time) {
        return day.atTime(time).toInstant(ZoneOffset.UTC);
    }

    private static Instant endOf(LocalDate day, LocalTime time) {
        return time == null ? day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC) : startOf(day, time);
    }
}
