package io.salespipeline.job.records;

import io.salespipeline.contract.EnvelopeField;
import io.salespipeline.contract.ReferenceField;
import io.salespipeline.contract.SaleField;
import io.salespipeline.contract.ViewTable;
import java.util.Arrays;
import java.util.Objects;

/**
 * Sales one window excluded because it had closed before they reached it, for the late topic: a
 * {@link TallyPartial} that its window operator found beyond the allowed lateness. That happens
 * only when every partition of a subtask was idle while the others moved the watermark on, and the
 * subtask then resumed with events its partitions' own history does not call late (the gate
 * forwarded them); a schedule, not the log, decided it. The envelope names the view that left
 * them out, the key, the window, what they summed to, and the offsets per partition they came from,
 * so the events can be found in the log (those of this key and window within the ranges).
 *
 * <p>A Flink POJO (public no-arg constructor, public fields), so it never falls back to Kryo.
 */
public class LatePartial implements KafkaEnvelope {

    /** A {@link ViewTable} table name. */
    public String view;

    public TallyPartial partial;
    public long windowSizeMs;

    public LatePartial() {}

    public LatePartial(ViewTable view, TallyPartial partial, long windowSizeMs) {
        this.view = view.table();
        this.partial = partial;
        this.windowSizeMs = windowSizeMs;
    }

    /**
     * {@code {"late_reason":"WINDOW_CLOSED_AFTER_IDLE","view":..,"store_id":..,"item_name":..,["region":..,]
     * "window_start_ms":..,"window_end_ms":..,"units":..,"events":..,"sources":[{"partition":..,
     * "first_offset":..,"last_offset":..}]}}, the key fields outside the view's key as null (region only in
     * region_sales_per_hour's).
     */
    @Override
    public byte[] toJson() {
        return RecordJson.object(json -> {
            json.writeStringField(EnvelopeField.LATE_REASON.key(), LateReason.WINDOW_CLOSED_AFTER_IDLE.code());
            json.writeStringField(EnvelopeField.VIEW.key(), view);
            json.writeStringField(SaleField.STORE_ID.key(), partial.storeId);
            json.writeStringField(SaleField.ITEM_NAME.key(), partial.itemName);
            if (partial.region != null) {
                json.writeStringField(ReferenceField.REGION.key(), partial.region);
            }
            json.writeNumberField(EnvelopeField.WINDOW_START_MS.key(), partial.windowStartMs);
            json.writeNumberField(EnvelopeField.WINDOW_END_MS.key(), partial.windowStartMs + windowSizeMs);
            json.writeNumberField(EnvelopeField.UNITS.key(), partial.units);
            json.writeNumberField(EnvelopeField.EVENTS.key(), partial.events);
            json.writeArrayFieldStart(EnvelopeField.SOURCES.key());
            for (int i = 0; i < partial.partitions.length; i++) {
                json.writeStartObject();
                json.writeNumberField(EnvelopeField.PARTITION.key(), partial.partitions[i]);
                json.writeNumberField(EnvelopeField.FIRST_OFFSET.key(), partial.firstOffsets[i]);
                json.writeNumberField(EnvelopeField.LAST_OFFSET.key(), partial.lastOffsets[i]);
                json.writeEndObject();
            }
            json.writeEndArray();
        });
    }

    /** The view, window and key: one late partial per key and window a flush of one subtask. */
    @Override
    public String sourcePosition() {
        return view + "/" + partial.windowStartMs + "/" + partial.storeId + "/" + partial.itemName
                + (partial.region == null ? "" : "/" + partial.region);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof LatePartial)) {
            return false;
        }
        LatePartial that = (LatePartial) o;
        return windowSizeMs == that.windowSizeMs
                && Objects.equals(view, that.view)
                && Objects.equals(partial, that.partial)
                && Arrays.equals(partial.partitions, that.partial.partitions)
                && Arrays.equals(partial.firstOffsets, that.partial.firstOffsets)
                && Arrays.equals(partial.lastOffsets, that.partial.lastOffsets);
    }

    @Override
    public int hashCode() {
        return Objects.hash(view, partial, windowSizeMs);
    }

    @Override
    public String toString() {
        return "LatePartial{" + view + " " + partial + "}";
    }
}
