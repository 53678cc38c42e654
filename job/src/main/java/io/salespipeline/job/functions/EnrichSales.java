package io.salespipeline.job.functions;

import io.salespipeline.contract.Metrics;
import io.salespipeline.contract.ReferenceField;
import io.salespipeline.job.records.EnrichmentInput;
import io.salespipeline.job.records.ReferenceVersion;
import io.salespipeline.job.records.SaleEvent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;

/**
 * The enrichment join: every sale leaves with the catalog version and the store version in force at its event time
 * {@code t} (the version with the greatest {@code effective_from <= t}); a sale whose item has no price in force
 * (never listed, or deleted) leaves unpriced, one whose store has none counts under region {@code unknown}.
 *
 * <p><b>When a sale is joined.</b> Only once the reference data read covers {@code t}, so that the answer depends on
 * the topics' contents and not on the order the job read three topics in: the reference topics must have been read
 * to their end ({@link EnrichmentInput.Kind#REFERENCE_IDLE}) once since this (re)start, and then be idle again or
 * read up to a publish time {@code >= t}. A reprocess thus reads the whole catalog and directory before it joins a
 * single sale, and applies every correction published since; the live run joins each sale as soon as the reference
 * topics are quiet, normally at once. Whenever each version was published before it took effect, both give the same
 * answer. Sales that may not be joined yet wait here (operator state, redistributed on rescaling).
 *
 * <p><b>Late sales.</b> The sales the lateness gate routed late ({@link EnrichmentInput.Kind#LATE_SALE}) are joined by
 * the same rule and leave on {@link #LATE_SALES}, for the record views alone: a late sale's row in
 * {@code sales_by_store_day} has its region like any other, and no window counts it. They never hold the output
 * watermark back nor keep the output from going idle, since no window waits for them.
 *
 * <p><b>Event time.</b> The input's watermark is the sales' alone ({@link ReferenceSignals} keeps the reference
 * channel idle). The output watermark is the lower of it and the earliest waiting on-time sale's time minus 1 ms, so
 * no window downstream closes under a waiting sale; it is emitted after the sales it releases. The output is idle
 * only when the sales are and no on-time sale waits.
 *
 * <p><b>Reference state.</b> Every subtask receives every version (broadcast) and holds the same map, id to versions
 * by {@code effective_from}; a later record with the same key replaces the version, a tombstone removes it. The map is
 * union list state written by subtask 0 alone: after a restore every subtask starts from that one copy, which is
 * consistent with the reference source's restored offsets.
 */
public class EnrichSales extends AbstractStreamOperator<SaleEvent>
        implements OneInputStreamOperator<EnrichmentInput, SaleEvent> {

    private static final long serialVersionUID = 1L;

    private static final ListStateDescriptor<ReferenceVersion> REFERENCE =
            new ListStateDescriptor<>("reference-versions", TypeInformation.of(ReferenceVersion.class));
    private static final ListStateDescriptor<SaleEvent> WAITING =
            new ListStateDescriptor<>("waiting-sales", TypeInformation.of(SaleEvent.class));
    private static final ListStateDescriptor<SaleEvent> WAITING_LATE =
            new ListStateDescriptor<>("waiting-late-sales", TypeInformation.of(SaleEvent.class));

    /** The late sales, joined: for the record views, never for a window. */
    public static final OutputTag<SaleEvent> LATE_SALES =
            new OutputTag<>("joined-late-sales", TypeInformation.of(SaleEvent.class));

    private transient Map<ReferenceField.Kind, Map<String, TreeMap<Long, ReferenceVersion>>> reference;
    private transient PriorityQueue<SaleEvent> waiting;
    private transient PriorityQueue<SaleEvent> waitingLate;
    private transient ListState<ReferenceVersion> referenceState;
    private transient ListState<SaleEvent> waitingState;
    private transient ListState<SaleEvent> waitingLateState;

    private transient boolean referenceCaughtUp;
    private transient boolean referenceIdle;
    private transient long referenceWatermark;
    private transient long salesWatermark;
    private transient boolean salesIdle;
    private transient long emittedWatermark;
    private transient boolean outputIdle;

    private transient Counter unpriced;
    private transient Counter unknownStore;

    public EnrichSales() {
        setChainingStrategy(ChainingStrategy.ALWAYS);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        reference = new EnumMap<>(ReferenceField.Kind.class);
        for (ReferenceField.Kind kind : ReferenceField.Kind.values()) {
            reference.put(kind, new HashMap<>());
        }
        referenceState = context.getOperatorStateStore().getUnionListState(REFERENCE);
        for (ReferenceVersion version : referenceState.get()) {
            apply(version);
        }
        waitingState = context.getOperatorStateStore().getListState(WAITING);
        waiting = restoredQueue(waitingState);
        waitingLateState = context.getOperatorStateStore().getListState(WAITING_LATE);
        waitingLate = restoredQueue(waitingLateState);
        referenceWatermark = Long.MIN_VALUE;
        salesWatermark = Long.MIN_VALUE;
        emittedWatermark = Long.MIN_VALUE;
    }

    /** The sales of {@code state}, earliest event time first. */
    private static PriorityQueue<SaleEvent> restoredQueue(ListState<SaleEvent> state) throws Exception {
        PriorityQueue<SaleEvent> queue =
                new PriorityQueue<>(Comparator.comparingLong((SaleEvent sale) -> sale.timestampMs));
        for (SaleEvent sale : state.get()) {
            queue.add(sale);
        }
        return queue;
    }

    @Override
    public void open() throws Exception {
        super.open();
        MetricGroup group = getMetricGroup().addGroup(Metrics.ENRICHMENT_GROUP);
        unpriced = group.counter(Metrics.UNPRICED_SALES);
        unknownStore = group.counter(Metrics.UNKNOWN_STORE_SALES);
        group.gauge(Metrics.WAITING_SALES, (Gauge<Integer>) () -> waiting.size() + waitingLate.size());
        group.gauge(Metrics.REFERENCE_VERSIONS, (Gauge<Integer>) () -> reference.values().stream()
                .mapToInt(ids -> ids.values().stream().mapToInt(Map::size).sum())
                .sum());
    }

    @Override
    public void processElement(StreamRecord<EnrichmentInput> element) {
        EnrichmentInput input = element.getValue();
        switch (input.kind) {
            case SALE:
                if (!joinOrWait(input.sale, false)) {
                    setOutputIdle(false);
                }
                return;
            case LATE_SALE:
                joinOrWait(input.sale, true);
                return;
            case REFERENCE_VERSION:
                apply(input.version);
                return;
            case REFERENCE_WATERMARK:
                // quiet or not is the reference signals' call alone: a watermark can follow their quiet signal
                referenceWatermark = Math.max(referenceWatermark, input.referenceWatermark);
                // a bounded reference source that ended was read to its end
                referenceCaughtUp |= referenceWatermark == Long.MAX_VALUE;
                break;
            case REFERENCE_IDLE:
                referenceIdle = true;
                referenceCaughtUp = true;
                break;
            case REFERENCE_ACTIVE:
                referenceIdle = false;
                break;
            default:
                throw new IllegalStateException("unknown enrichment input " + input.kind);
        }
        releaseJoinable();
    }

    private boolean joinable(long eventTimeMs) {
        return referenceCaughtUp && (referenceIdle || eventTimeMs <= referenceWatermark);
    }

    /** Joins and emits the sale now if it may be, else keeps it waiting; whether it was emitted. */
    private boolean joinOrWait(SaleEvent sale, boolean late) {
        if (joinable(sale.timestampMs)) {
            emit(sale, late);
            return true;
        }
        // a copy: the sale's object belongs to the network stack that handed it over
        (late ? waitingLate : waiting).add(sale.joined(null, null, null));
        return false;
    }

    private void releaseJoinable() {
        release(waitingLate, true);
        if (release(waiting, false)) {
            advanceOutput();
        }
    }

    /** Emits the sales of {@code queue} that may be joined now, earliest first; whether there were any. */
    private boolean release(PriorityQueue<SaleEvent> queue, boolean late) {
        boolean released = false;
        while (!queue.isEmpty() && joinable(queue.peek().timestampMs)) {
            emit(queue.poll(), late);
            released = true;
        }
        return released;
    }

    /** A late sale leaves on {@link #LATE_SALES}, for the record views; an on-time one to the windows. */
    private void emit(SaleEvent sale, boolean late) {
        StreamRecord<SaleEvent> joined = new StreamRecord<>(join(sale), sale.timestampMs);
        if (late) {
            output.collect(LATE_SALES, joined);
        } else {
            output.collect(joined);
        }
    }

    /** The sale with the versions in force at its event time, counted when the join found none. */
    private SaleEvent join(SaleEvent sale) {
        ReferenceVersion item = inForce(ReferenceField.Kind.ITEM, sale.itemId, sale.timestampMs);
        ReferenceVersion store = inForce(ReferenceField.Kind.STORE, sale.storeId, sale.timestampMs);
        BigDecimal price = item == null ? null : item.unitPrice;
        String category = item == null ? null : item.category;
        String region = store == null ? ReferenceField.UNKNOWN_REGION : store.region;
        if (item == null) {
            unpriced.inc();
        }
        if (store == null) {
            unknownStore.inc();
        }
        return sale.joined(price, category, region);
    }

    /** The version of {@code id} in force at {@code timeMs}; null when there is none or it is a deletion. */
    private ReferenceVersion inForce(ReferenceField.Kind kind, String id, long timeMs) {
        TreeMap<Long, ReferenceVersion> versions = reference.get(kind).get(id);
        Map.Entry<Long, ReferenceVersion> entry = versions == null ? null : versions.floorEntry(timeMs);
        return entry == null || entry.getValue().deleted ? null : entry.getValue();
    }

    private void apply(ReferenceVersion version) {
        Map<String, TreeMap<Long, ReferenceVersion>> ids = reference.get(version.kind);
        if (version.tombstone) {
            TreeMap<Long, ReferenceVersion> versions = ids.get(version.id);
            if (versions != null) {
                versions.remove(version.effectiveFromMs);
                if (versions.isEmpty()) {
                    ids.remove(version.id);
                }
            }
        } else {
            ids.computeIfAbsent(version.id, id -> new TreeMap<>()).put(version.effectiveFromMs, version);
        }
    }

    @Override
    public void processWatermark(Watermark mark) {
        salesWatermark = Math.max(salesWatermark, mark.getTimestamp());
        salesIdle = false;
        advanceOutput();
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) {
        salesIdle = status.isIdle();
        advanceOutput();
    }

    /** Emits the output watermark, then the output's idleness, as the sales and the waiting sales allow. */
    private void advanceOutput() {
        if (!salesIdle || !waiting.isEmpty()) {
            setOutputIdle(false);
        }
        long watermark = waiting.isEmpty() ? salesWatermark : Math.min(salesWatermark, waiting.peek().timestampMs - 1);
        if (watermark > emittedWatermark) {
            emittedWatermark = watermark;
            output.emitWatermark(new Watermark(watermark));
        }
        if (salesIdle && waiting.isEmpty()) {
            setOutputIdle(true);
        }
    }

    private void setOutputIdle(boolean idle) {
        if (idle != outputIdle) {
            outputIdle = idle;
            output.emitWatermarkStatus(idle ? WatermarkStatus.IDLE : WatermarkStatus.ACTIVE);
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<ReferenceVersion> versions = new ArrayList<>();
        if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
            reference.values().forEach(ids -> ids.values().forEach(byTime -> versions.addAll(byTime.values())));
        }
        referenceState.update(versions);
        waitingState.update(new ArrayList<>(waiting));
        waitingLateState.update(new ArrayList<>(waitingLate));
    }
}
