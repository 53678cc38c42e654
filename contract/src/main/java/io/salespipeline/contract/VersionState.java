package io.salespipeline.contract;

import java.util.Arrays;
import java.util.Optional;

/**
 * Where a view version is in its life, as {@code sales.view_versions.state} records it, and which
 * state it may go to from each: none goes back to created, and a retired version (its keyspace
 * dropped) never comes back.
 */
public enum VersionState {

    /**
     * Its keyspace exists; no job started by {@code ./replay} has written it yet (one submitted
     * with {@code flink run} may have, and be stopped).
     */
    CREATED("created"),
    /** A job writes it (or did, until a lost JobManager took the job: then it is resumed). */
    RUNNING("running"),
    /** Its job stopped with a savepoint, which a resume starts from. */
    STOPPED("stopped"),
    /** Its job stopped and its keyspace dropped. */
    RETIRED("retired");

    private final String code;

    VersionState(String code) {
        this.code = code;
    }

    /** Whether a version in this state may be recorded as {@code next}. */
    public boolean canBecome(VersionState next) {
        return this != RETIRED && next != CREATED;
    }

    /** The value in {@code sales.view_versions.state}. */
    public String code() {
        return code;
    }

    /** The state recorded as {@code code}, none for a value this build does not know. */
    public static Optional<VersionState> ofCode(String code) {
        return Arrays.stream(values()).filter(state -> state.code.equals(code)).findFirst();
    }
}
