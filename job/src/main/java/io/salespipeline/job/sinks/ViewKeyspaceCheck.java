package io.salespipeline.job.sinks;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.Session;
import com.datastax.driver.core.exceptions.DriverException;
import com.datastax.driver.core.exceptions.InvalidQueryException;
import io.salespipeline.contract.ViewSchema;
import io.salespipeline.contract.ViewStatements;
import io.salespipeline.job.config.ConfigException;
import io.salespipeline.job.config.JobConfig;

/**
 * Asked once at submission, before the job exists: can this build write its views into the
 * configured keyspace? A keyspace that is missing, or was created by a build with other view
 * columns, would otherwise fail every view writer on every restart, a restart loop that only the
 * exception history explains. Preparing the job's own upserts checks exactly what the writers need.
 */
public final class ViewKeyspaceCheck {

    private ViewKeyspaceCheck() {}

    /** @throws ConfigException with a one-line reason when the views cannot be written */
    public static void requireWritable(JobConfig config) {
        String where = "Cassandra at " + config.cassandraHost + ":" + config.cassandraPort;
        Cluster cluster = new SalesClusterBuilder(config.cassandraHost, config.cassandraPort, config.cassandraUsername)
                .getCluster();
        try (cluster;
                Session session = cluster.connect()) {
            if (cluster.getMetadata().getKeyspace(config.keyspace) == null) {
                throw new ConfigException("keyspace " + config.keyspace + " does not exist in " + where
                        + ": deploy with ./replay, which creates it (or apply cql/10-views.cql to it)");
            }
            for (String upsert : ViewStatements.upserts(config.keyspace, ViewSchema.of(config.enrichment))) {
                try {
                    session.prepare(upsert);
                } catch (InvalidQueryException e) {
                    throw new ConfigException("keyspace " + config.keyspace + " does not have this build's views ("
                            + e.getMessage() + "): build a new view version with ./replay reprocess"
                            + (config.enrichment
                                    ? " -- --enrichment true, which creates the enriched logic's columns"
                                    : ""));
                }
            }
        } catch (DriverException e) {
            throw new ConfigException(
                    "cannot check keyspace " + config.keyspace + " in " + where + ": " + e.getMessage());
        }
    }
}
