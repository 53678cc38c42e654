package io.salespipeline.job.functions;

import java.io.Serializable;
import java.util.Map;

/**
 * Where the reference topics end when the job (re)starts: per partition ({@link #partition}), the offset after its
 * last record. {@link ReferenceSignals} calls the reference data read to its end only once the source has read up to
 * there, so a job whose first fetch is slow never joins a sale against a catalog it has not read yet.
 */
@FunctionalInterface
public interface ReferenceLogEnds extends Serializable {

    /** Asked once per start of the reference signals, before the first record. */
    Map<String, Long> endOffsets();

    /** The key of a topic's partition in {@link #endOffsets}. */
    static String partition(String topic, int partition) {
        return topic + "/" + partition;
    }
}
