package io.salespipeline.job.sinks;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.ConsistencyLevel;
import com.datastax.driver.core.Statement;
import com.datastax.driver.core.WriteType;
import com.datastax.driver.core.exceptions.DriverException;
import com.datastax.driver.core.policies.RetryPolicy;

/**
 * Retries transient write failures (timeouts, unavailable replicas, a broken connection) a bounded
 * number of times. Every write is an idempotent upsert with an explicit timestamp, so a retry can
 * never double-count. When retries run out the error reaches the sink's writer, which fails the
 * job so it restarts from its last checkpoint: a write error never loses a record.
 */
final class BoundedWriteRetryPolicy implements RetryPolicy {

    private final int maxRetries;
    private final String view;

    BoundedWriteRetryPolicy(int maxRetries, String view) {
        this.maxRetries = maxRetries;
        this.view = view;
    }

    @Override
    public RetryDecision onReadTimeout(
            Statement statement, ConsistencyLevel cl, int required, int received, boolean dataRetrieved, int nbRetry) {
        return decide(cl, nbRetry, false);
    }

    @Override
    public RetryDecision onWriteTimeout(
            Statement statement, ConsistencyLevel cl, WriteType writeType, int required, int received, int nbRetry) {
        return decide(cl, nbRetry, false);
    }

    @Override
    public RetryDecision onUnavailable(Statement statement, ConsistencyLevel cl, int required, int alive, int nbRetry) {
        return decide(cl, nbRetry, true);
    }

    @Override
    public RetryDecision onRequestError(Statement statement, ConsistencyLevel cl, DriverException e, int nbRetry) {
        return decide(cl, nbRetry, true);
    }

    private RetryDecision decide(ConsistencyLevel cl, int nbRetry, boolean otherHost) {
        if (nbRetry >= maxRetries) {
            return RetryDecision.rethrow();
        }
        WriteFailures.retries(view).incrementAndGet();
        return otherHost ? RetryDecision.tryNextHost(cl) : RetryDecision.retry(cl);
    }

    @Override
    public void init(Cluster cluster) {}

    @Override
    public void close() {}
}
