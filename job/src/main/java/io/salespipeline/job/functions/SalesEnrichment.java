package io.salespipeline.job.functions;

import io.salespipeline.job.records.DeadLetter;
import io.salespipeline.job.records.EnrichmentInput;
import io.salespipeline.job.records.LateEvent;
import io.salespipeline.job.records.ReferenceRecord;
import io.salespipeline.job.records.SaleEvent;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Builds the enrichment join ({@code --enrichment}) between the lateness gate and the windows: lateness is decided
 * on the sales' log alone, before the join, so a version with and one without it route the same events late. The
 * late sales are joined too, for the record views only.
 */
public final class SalesEnrichment {

    public static final String REFERENCE_SIGNALS_UID = "reference-signals";
    public static final String SALES_TO_JOIN_UID = "sales-to-enrichment";
    public static final String LATE_SALES_TO_JOIN_UID = "late-sales-to-enrichment";
    public static final String ENRICH_UID = "enrich-sales";

    private SalesEnrichment() {}

    /**
     * The joined on-time sales (for the windows), every joined sale late or not (for the record views), and the
     * reference records rejected on the way (for the dead-letter topic).
     */
    public record Joined(
            SingleOutputStreamOperator<SaleEvent> sales,
            DataStream<SaleEvent> everySale,
            DataStream<DeadLetter> deadLetters) {}

    /**
     * @param gated the sales the lateness gate forwarded
     * @param late the sales it routed late
     * @param reference the parsed catalog and directory, from a source of parallelism 1 whose watermark is their
     *     publish time
     * @param ends where the reference topics end at each (re)start
     * @param idleness how long the reference data must be silent, once read to its end, to count as quiet
     */
    public static Joined join(
            DataStream<SaleEvent> gated,
            DataStream<LateEvent> late,
            DataStream<ReferenceRecord> reference,
            ReferenceLogEnds ends,
            Duration idleness) {
        TypeInformation<EnrichmentInput> inputType = TypeInformation.of(EnrichmentInput.class);
        // one sender, so every subtask of the join sees the versions in the same (publish) order
        SingleOutputStreamOperator<EnrichmentInput> signals = reference
                .transform("Reference versions and progress", inputType, new ReferenceSignals(idleness, ends))
                .uid(REFERENCE_SIGNALS_UID)
                .setParallelism(1);
        DataStream<EnrichmentInput> lateSales = late.map(
                        lateEvent -> EnrichmentInput.lateSale(lateEvent.event), inputType)
                .uid(LATE_SALES_TO_JOIN_UID)
                .name("Late sales to the enrichment join");
        SingleOutputStreamOperator<SaleEvent> joined = gated.map(EnrichmentInput::sale, inputType)
                .uid(SALES_TO_JOIN_UID)
                .name("Sales to the enrichment join")
                .union(lateSales, signals.broadcast())
                .transform("Enrich sales", TypeInformation.of(SaleEvent.class), new EnrichSales())
                .uid(ENRICH_UID);
        return new Joined(
                joined,
                joined.union(joined.getSideOutput(EnrichSales.LATE_SALES)),
                signals.getSideOutput(RouteParsedRecords.DEAD_LETTERS));
    }
}
