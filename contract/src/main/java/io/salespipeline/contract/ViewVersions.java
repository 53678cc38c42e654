package io.salespipeline.contract;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How view version N names what it owns: its keyspace {@code sales_vN}, its consumer group, its
 * Kafka transactional ids and its Flink job, which {@code ./replay} finds again by name.
 */
public final class ViewVersions {

    /** Where the version number goes in a name pattern (a setting's default, e.g. {@code --kafka.group-id}). */
    public static final String PLACEHOLDER = "{version}";

    public static final String KEYSPACE_PATTERN = "sales_v" + PLACEHOLDER;
    public static final String CONSUMER_GROUP_PATTERN = "sales-pipeline-v" + PLACEHOLDER;

    /** Cassandra keyspace names that can be spliced into CQL (they cannot be bind markers). */
    private static final Pattern KEYSPACE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,47}");
    /** Version N lives in exactly sales_vN: sales_v01 is not version 1. */
    private static final Pattern VERSION_KEYSPACE = Pattern.compile("sales_v([1-9][0-9]{0,8})");

    private static final String JOB_NAME_PREFIX = "sales-pipeline ";
    private static final Pattern JOB_NAME = Pattern.compile(Pattern.quote(JOB_NAME_PREFIX) + VERSION_KEYSPACE.pattern()
            + "(?: \\(keyspace " + KEYSPACE_NAME.pattern() + "\\))?");

    private ViewVersions() {}

    /** {@code pattern} with {@link #PLACEHOLDER} replaced by {@code version}. */
    public static String fill(String pattern, int version) {
        return pattern.replace(PLACEHOLDER, Integer.toString(version));
    }

    public static String keyspace(int version) {
        return fill(KEYSPACE_PATTERN, version);
    }

    public static String consumerGroup(int version) {
        return fill(CONSUMER_GROUP_PATTERN, version);
    }

    /** The version whose keyspace is {@code keyspace}, none for any other keyspace. */
    public static OptionalInt versionOfKeyspace(String keyspace) {
        Matcher m = VERSION_KEYSPACE.matcher(keyspace);
        return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    public static boolean isKeyspaceName(String name) {
        return KEYSPACE_NAME.matcher(name).matches();
    }

    /**
     * The Flink job of {@code version} writing {@code keyspace}: the version's own keyspace unless a
     * test or an operator overrides it, which the name then says, so the version is found again.
     */
    public static String jobName(int version, String keyspace) {
        String name = JOB_NAME_PREFIX + keyspace(version);
        return keyspace.equals(keyspace(version)) ? name : name + " (keyspace " + keyspace + ")";
    }

    /** The version whose job is named {@code jobName}, none for another job. */
    public static OptionalInt versionOfJob(String jobName) {
        Matcher m = JOB_NAME.matcher(jobName);
        return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    /**
     * The transactional-id prefix of one of a job's Kafka sinks. It names the view keyspace, not the
     * consumer group: two versions given the same custom group (the group only shows progress;
     * positions come from checkpoints) would otherwise share transactional ids, and during a
     * reprocess their sinks would fence each other in a restart loop.
     */
    public static String transactionalIdPrefix(String keyspace, String purpose) {
        return "sales-pipeline-" + keyspace + "-" + purpose;
    }
}
