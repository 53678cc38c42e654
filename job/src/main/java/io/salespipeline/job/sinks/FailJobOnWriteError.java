package io.salespipeline.job.sinks;

import java.io.IOException;
import org.apache.flink.streaming.connectors.cassandra.CassandraFailureHandler;

/**
 * A write that failed after its retries fails the job (it restarts from the last checkpoint and
 * writes again); returning here instead would silently drop the row.
 */
final class FailJobOnWriteError implements CassandraFailureHandler {

    private static final long serialVersionUID = 1L;

    private final String view;

    FailJobOnWriteError(String view) {
        this.view = view;
    }

    @Override
    public void onFailure(Throwable failure) throws IOException {
        WriteFailures.errors(view).incrementAndGet();
        throw new IOException("writing view " + view + " to Cassandra failed after retries: " + failure.getMessage(), failure);
    }
}
