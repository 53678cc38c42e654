package io.salespipeline.stack.replay;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import io.salespipeline.contract.VersionState;
import io.salespipeline.contract.ViewVersions;
import io.salespipeline.stack.StackException;
import io.salespipeline.stack.clients.CqlScripts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The control keyspace {@code sales} (cql/00-control.cql): which view version readers use, every
 * version with its job and savepoint, and the history of switches. Switches are lightweight
 * transactions, so two operators switching at once cannot both win.
 */
final class ControlTable {

    static final String VIEW = "sales";

    /**
     * One row of {@code sales.view_versions}; the state is empty when this build does not know the
     * recorded one; the jar (SHA-256, build time) and the job settings are those of the version's
     * latest start, null and empty for a version started before they were recorded.
     */
    record Version(
            int version,
            String keyspace,
            Optional<VersionState> state,
            String jobId,
            String savepointPath,
            Instant createdAt,
            String jarSha256,
            Instant jarBuiltAt,
            List<String> jobSettings) {
        boolean is(VersionState expected) {
            return state.map(expected::equals).orElse(false);
        }
    }

    /** The row of {@code sales.active_version}. */
    record Active(int version, String keyspace, Integer previous, Instant switchedAt) {}

    private final CqlSession session;

    ControlTable(CqlSession session) {
        this.session = session;
    }

    Optional<Active> active() {
        Row row = session.execute(SimpleStatement.newInstance(
                        "SELECT version, keyspace_name, previous, switched_at FROM sales.active_version WHERE "
                                + "view_name = ?",
                        VIEW))
                .one();
        if (row == null || row.isNull("version")) {
            return Optional.empty();
        }
        return Optional.of(new Active(
                row.getInt("version"),
                row.getString("keyspace_name"),
                row.isNull("previous") ? null : row.getInt("previous"),
                row.getInstant("switched_at")));
    }

    List<Version> versions() {
        List<Version> versions = new ArrayList<>();
        ResultSet rows = readVersions(
                "SELECT version, keyspace_name, state, job_id, savepoint_path, created_at, jar_sha256, jar_built_at, "
                        + "job_settings FROM sales.view_versions WHERE view_name = ?");
        for (Row row : rows) {
            versions.add(new Version(
                    row.getInt("version"),
                    row.getString("keyspace_name"),
                    VersionState.ofCode(row.getString("state")),
                    row.getString("job_id"),
                    row.getString("savepoint_path"),
                    row.getInstant("created_at"),
                    row.getString("jar_sha256"),
                    row.getInstant("jar_built_at"),
                    row.getList("job_settings", String.class)));
        }
        return versions;
    }

    /** A control keyspace from before versions recorded their code lacks its columns: one line saying how to add them. */
    private ResultSet readVersions(String query) {
        try {
            return session.execute(SimpleStatement.newInstance(query, VIEW));
        } catch (InvalidQueryException e) {
            if (e.getMessage() != null && e.getMessage().contains("jar_sha256")) {
                throw new StackException(
                        "sales.view_versions predates versions pinned to their code (no column jar_sha256): "
                                + "apply cql/00-control.cql to it (./stack cql --contact HOST:PORT), which adds the columns");
            }
            throw e;
        }
    }

    Optional<Version> version(int version) {
        return versions().stream().filter(v -> v.version() == version).findFirst();
    }

    /** Records a version; returns false if it was already there. */
    boolean register(int version) {
        Row row = session.execute(SimpleStatement.newInstance(
                        "INSERT INTO sales.view_versions (view_name, version, keyspace_name, created_at, "
                                + "state) VALUES (?, ?, ?, ?, ?) IF NOT EXISTS",
                        VIEW,
                        version,
                        ViewVersions.keyspace(version),
                        Instant.now(),
                        VersionState.CREATED.code()))
                .one();
        return row != null && row.getBoolean("[applied]");
    }

    /** The version's job runs, with this jar and these settings (what its next restart runs again). */
    void recordJob(int version, String jobId, KeptJars.KeptJar jar, List<String> jobSettings) {
        requireCanBecome(version, VersionState.RUNNING);
        session.execute(SimpleStatement.newInstance(
                "UPDATE sales.view_versions SET job_id = ?, state = ?, jar_sha256 = ?, jar_built_at = ?, job_settings = ? "
                        + "WHERE view_name = ? AND version = ?",
                jobId,
                VersionState.RUNNING.code(),
                jar.sha256(),
                jar.builtAt(),
                jobSettings,
                VIEW,
                version));
    }

    /** The version's job stopped with this savepoint. */
    void recordStopped(int version, String savepointPath) {
        requireCanBecome(version, VersionState.STOPPED);
        session.execute(SimpleStatement.newInstance(
                "UPDATE sales.view_versions SET savepoint_path = ?, state = ? WHERE view_name = ? AND version = ?",
                savepointPath,
                VersionState.STOPPED.code(),
                VIEW,
                version));
    }

    void recordRetired(int version) {
        requireCanBecome(version, VersionState.RETIRED);
        session.execute(SimpleStatement.newInstance(
                "UPDATE sales.view_versions SET state = ? WHERE view_name = ? AND version = ?",
                VersionState.RETIRED.code(),
                VIEW,
                version));
    }

    /** A version without a row, or with a state this build does not know, may become any state. */
    private void requireCanBecome(int version, VersionState next) {
        Optional<VersionState> now = version(version).flatMap(Version::state);
        if (now.isPresent() && !now.get().canBecome(next)) {
            throw new StackException(
                    "version " + version + " is " + now.get().code() + " and cannot become " + next.code());
        }
    }

    /**
     * Points readers at {@code to}, only if the active version is still {@code from} (a lightweight
     * transaction), and appends the switch to the history.
     */
    void switchActive(int from, int to, String reason) {
        Row row = session.execute(SimpleStatement.newInstance(
                        "UPDATE sales.active_version SET version = ?, keyspace_name = ?, previous = ?, "
                                + "switched_at = ? WHERE view_name = ? IF version = ?",
                        to,
                        ViewVersions.keyspace(to),
                        from,
                        Instant.now(),
                        VIEW,
                        from))
                .one();
        if (row == null || !row.getBoolean("[applied]")) {
            Object now = row == null || row.isNull("version") ? "none" : row.getObject("version");
            throw new StackException(
                    "the active version changed under us (expected " + from + ", found " + now + "): nothing switched");
        }
        session.execute(SimpleStatement.newInstance(
                "INSERT INTO sales.switch_history (view_name, switched_at, from_version, to_version, reason) "
                        + "VALUES (?, now(), ?, ?, ?)",
                VIEW,
                from,
                to,
                reason));
    }

    /** The first active version of a fresh installation, if none is set. */
    void initialiseActive(int version) {
        session.execute(SimpleStatement.newInstance(
                "INSERT INTO sales.active_version (view_name, version, keyspace_name, switched_at) VALUES (?, "
                        + "?, ?, ?) IF NOT EXISTS",
                VIEW,
                version,
                ViewVersions.keyspace(version),
                Instant.now()));
    }

    boolean keyspaceExists(String keyspace) {
        return CqlScripts.keyspaceExists(session, keyspace);
    }

    void dropKeyspace(String keyspace) {
        session.execute(SimpleStatement.newInstance("DROP KEYSPACE IF EXISTS " + keyspace)
                .setTimeout(java.time.Duration.ofMinutes(1)));
    }
}
