package io.salespipeline.job.parse;

import java.util.List;
import org.junit.jupiter.api.Named;

/** The parser test's malformed inputs, for tests that send them through the running pipeline. */
public final class PoisonCorpus {

    /** One kind of bad input and the reason the pipeline must give for it. */
    public record Poison(String label, byte[] value, RejectReason reason) {}

    private PoisonCorpus() {}

    public static List<Poison> all() {
        return SaleEventParserTest.malformed()
                .map(arguments -> {
                    Object[] values = arguments.get();
                    @SuppressWarnings("unchecked")
                    Named<byte[]> input = (Named<byte[]>) values[0];
                    return new Poison(input.getName(), input.getPayload(), (RejectReason) values[1]);
                })
                .toList();
    }
}
