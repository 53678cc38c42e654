package io.salespipeline.job;

import io.salespipeline.contract.ViewTable;
import io.salespipeline.contract.ViewVersions;
import io.salespipeline.job.config.ConfigException;
import io.salespipeline.job.config.JobConfig;
import io.salespipeline.job.functions.LatenessGate;
import io.salespipeline.job.functions.LocalTally;
import io.salespipeline.job.functions.ReferenceLogEnds;
import io.salespipeline.job.functions.RouteParsedRecords;
import io.salespipeline.job.functions.SalesAggregations;
import io.salespipeline.job.functions.SalesEnrichment;
import io.salespipeline.job.functions.ValidEventWatermarks;
import io.salespipeline.job.kafka.KafkaConnectors;
import io.salespipeline.job.records.DeadLetter;
import io.salespipeline.job.records.LateEvent;
import io.salespipeline.job.records.LatePartial;
import io.salespipeline.job.records.ReferenceRecord;
import io.salespipeline.job.records.SaleEvent;
import io.salespipeline.job.records.SourceRecord;
import io.salespipeline.job.records.TopItemsRank;
import io.salespipeline.job.records.WindowAggregate;
import io.salespipeline.job.sinks.CassandraViewSinks;
import io.salespipeline.job.sinks.ViewKeyspaceCheck;
import io.salespipeline.job.sinks.ViewSinks;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.java.utils.ParameterTool;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The pipeline, wired: Kafka log → parse → (dead letters) → lateness gate → (late events) →
 * [with {@code --enrichment}: join with the reference topics' versions in force] → event-time windows (→ closed-window sales, to the late topic) → Cassandra views. Sources and
 * sinks come in through the constructor so tests can swap them; this class holds no logic of its own.
 */
public final class SalesPipelineJob {

    public static final String SOURCE_UID = "item-sales-source";
    public static final String REFERENCE_SOURCE_UID = "reference-source";
    public static final String ROUTER_UID = "route-parsed-records";
    public static final String DEAD_LETTER_SINK_UID = "dead-letter-sink";
    public static final String LATE_EVENT_SINK_UID = "late-event-sink";
    public static final String LATE_PARTIAL_SINK_UID = "late-partial-sink";

    /** When the cluster configuration has no checkpoint interval: the job needs checkpoints to commit its output. */
    private static final Duration FALLBACK_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);

    private final JobConfig config;
    private final Source<SourceRecord, ?, ?> source;
    private final Source<ReferenceRecord, ?, ?> reference;
    private final ReferenceLogEnds referenceEnds;
    private final ViewSinks views;
    private final Sink<DeadLetter> deadLetters;
    private final Sink<LateEvent> lateEvents;
    private final Sink<LatePartial> latePartials;

    public SalesPipelineJob(
            JobConfig config,
            Source<SourceRecord, ?, ?> source,
            Source<ReferenceRecord, ?, ?> reference,
            ReferenceLogEnds referenceEnds,
            ViewSinks views,
            Sink<DeadLetter> deadLetters,
            Sink<LateEvent> lateEvents,
            Sink<LatePartial> latePartials) {
        this.config = config;
        this.source = source;
        this.reference = reference;
        this.referenceEnds = referenceEnds;
        this.views = views;
        this.deadLetters = deadLetters;
        this.lateEvents = lateEvents;
        this.latePartials = latePartials;
    }

    /** The production wiring: Kafka in, Cassandra views and Kafka envelopes out. */
    public static SalesPipelineJob withKafkaAndCassandra(JobConfig config) {
        return new SalesPipelineJob(
                config,
                KafkaConnectors.itemSalesSource(config),
                KafkaConnectors.referenceSource(config),
                KafkaConnectors.referenceEnds(config),
                new CassandraViewSinks(config),
                KafkaConnectors.envelopeSink(config, config.dlqTopic, "dlq"),
                KafkaConnectors.envelopeSink(config, config.lateTopic, "late"),
                KafkaConnectors.envelopeSink(config, config.lateTopic, "late-partials"));
    }

    public void build(StreamExecutionEnvironment env) {
        WatermarkStrategy<SourceRecord> watermarks = new ValidEventWatermarks(config.outOfOrderness, config.idleness);
        SingleOutputStreamOperator<SaleEvent> events = env.fromSource(
                        source, watermarks, "Kafka " + config.topic, TypeInformation.of(SourceRecord.class))
                .uid(SOURCE_UID)
                .process(new RouteParsedRecords(), TypeInformation.of(SaleEvent.class))
                .uid(ROUTER_UID)
                .name("Route parsed records");

        SingleOutputStreamOperator<SaleEvent> gated =
                SalesAggregations.gateLateEvents(events, config.allowedLateness, config.outOfOrderness);
        DataStream<LateEvent> late = gated.getSideOutput(LatenessGate.LATE_EVENTS);
        DataStream<DeadLetter> rejected = events.getSideOutput(RouteParsedRecords.DEAD_LETTERS);
        SingleOutputStreamOperator<SaleEvent> onTime = gated;
        DataStream<SaleEvent> everySale = events;
        if (config.enrichment) {
            SalesEnrichment.Joined joined =
                    SalesEnrichment.join(gated, late, referenceRecords(env), referenceEnds, config.referenceIdleness);
            onTime = joined.sales();
            // a store's day shows each sale's region, late sales' too
            everySale = joined.everySale();
            rejected = rejected.union(joined.deadLetters());
        }
        if (config.writeRecordViews) {
            // every valid event, late or not, is a record of what was sold
            views.itemSales(events);
            views.salesByStoreDay(everySale);
        }
        rejected.sinkTo(deadLetters).uid(DEAD_LETTER_SINK_UID).name("Kafka " + config.dlqTopic);
        LocalTally.Limits local = new LocalTally.Limits(config.localFlush, config.localMaxKeys);
        SingleOutputStreamOperator<WindowAggregate> storeSales =
                SalesAggregations.storeSales(onTime, window(config.storeWindow, local));
        views.storeSalesPerMinute(storeSales);
        SingleOutputStreamOperator<WindowAggregate> itemSales =
                SalesAggregations.itemSales(onTime, window(config.itemWindow, local));
        views.itemSalesPerHour(itemSales);
        SingleOutputStreamOperator<TopItemsRank> topItems =
                SalesAggregations.topItems(onTime, window(config.topItemsWindow, local), config.topN);
        views.topItemsPerStoreHour(topItems);
        DataStream<LatePartial> closedWindows = SalesAggregations.latePartials(
                        storeSales, ViewTable.STORE_SALES_PER_MINUTE, config.storeWindow)
                .union(
                        SalesAggregations.latePartials(itemSales, ViewTable.ITEM_SALES_PER_HOUR, config.itemWindow),
                        SalesAggregations.latePartials(
                                topItems, ViewTable.TOP_ITEMS_PER_STORE_HOUR, config.topItemsWindow));
        if (config.enrichment) {
            SingleOutputStreamOperator<WindowAggregate> regionSales =
                    SalesAggregations.regionSales(onTime, window(config.regionWindow, local));
            views.regionSalesPerHour(regionSales);
            closedWindows = closedWindows.union(
                    SalesAggregations.latePartials(regionSales, ViewTable.REGION_SALES_PER_HOUR, config.regionWindow));
        }

        late.sinkTo(lateEvents).uid(LATE_EVENT_SINK_UID).name("Kafka " + config.lateTopic);
        closedWindows
                .sinkTo(latePartials)
                .uid(LATE_PARTIAL_SINK_UID)
                .name("Kafka " + config.lateTopic + " (closed windows)")
                // written only after a subtask's partitions were all idle: one task, not one per subtask to restart
                .setParallelism(1);
    }

    /**
     * The catalog and directory, parsed; one subtask, whose watermark is their publish time (when they are quiet
     * is {@link SalesEnrichment}'s to tell).
     */
    private DataStream<ReferenceRecord> referenceRecords(StreamExecutionEnvironment env) {
        WatermarkStrategy<ReferenceRecord> progress = WatermarkStrategy.forMonotonousTimestamps();
        return env.fromSource(
                        reference,
                        progress,
                        "Kafka " + config.itemCatalogTopic + ", " + config.storeDirectoryTopic,
                        TypeInformation.of(ReferenceRecord.class))
                .uid(REFERENCE_SOURCE_UID)
                .setParallelism(1);
    }

    private SalesAggregations.WindowSpec window(Duration size, LocalTally.Limits local) {
        return new SalesAggregations.WindowSpec(size, config.allowedLateness, config.earlyFiring, local);
    }

    /** What every run of this job needs from its environment, whatever cluster it runs on. */
    @SuppressWarnings("deprecation") // disableGenericTypes: still the way to forbid Kryo in 1.20
    public static void configure(StreamExecutionEnvironment env, JobConfig config) {
        env.getConfig().disableGenericTypes();
        env.getConfig().disableAutoGeneratedUIDs();
        // No operator keeps or changes a record it was given (state holds strings, numbers and
        // objects the operator built itself), so chained operators can share records instead of
        // copying each one at every hop.
        env.getConfig().enableObjectReuse();
        env.setMaxParallelism(config.maxParallelism);
        env.getConfig().setGlobalJobParameters(ParameterTool.fromMap(config.describe()));
        if (env.getCheckpointConfig().getCheckpointInterval() <= 0) {
            env.enableCheckpointing(FALLBACK_CHECKPOINT_INTERVAL.toMillis(), CheckpointingMode.EXACTLY_ONCE);
        }
    }

    /** Whether this JVM is Flink's command-line client ({@code flink run}), whose exit code is the caller's answer. */
    static boolean submittedFromTheCommandLine() {
        return System.getProperty("sun.java.command", "").startsWith("org.apache.flink.client.cli.CliFrontend");
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println("sales-pipeline job: Kafka item_sales -> Cassandra views\n" + JobConfig.help());
            return;
        }
        JobConfig config;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        try {
            config = JobConfig.fromArgs(args, System.getenv());
            configure(env, config);
            withKafkaAndCassandra(config).build(env);
            ViewKeyspaceCheck.requireWritable(config);
            if (config.enrichment) {
                KafkaConnectors.requireReferenceTopics(config);
            }
        } catch (ConfigException e) {
            if (!submittedFromTheCommandLine()) {
                // main() of a REST submission (the web UI, ./replay) runs inside the JobManager,
                // which an exit would take down with every job on it: the caller gets the message.
                throw e;
            }
            System.err.println("sales-pipeline: " + e.getMessage());
            System.exit(2);
            return;
        }
        env.execute(ViewVersions.jobName(config.viewVersion, config.keyspace));
    }
}
