package io.salespipeline.job.records;

import io.salespipeline.contract.EnvelopeField;
import io.salespipeline.contract.SaleField;
import java.util.Objects;

/**
 * A valid sale that arrived after its window closed, for the late topic: the event, why it is late,
 * the watermark it missed and the allowed lateness in force, so an operator can tell how late it was.
 *
 * <p>A Flink POJO (public no-arg constructor, public fields), so it never falls back to Kryo.
 */
public class LateEvent implements KafkaEnvelope {

    public SaleEvent event;
    /** A {@link LateReason} code. */
    public String reason;
    /** The watermark the event missed, epoch milliseconds: its partition's, or the windows' after an idle spell. */
    public long watermarkMs;

    public long allowedLatenessMs;

    public LateEvent() {}

    public LateEvent(SaleEvent event, LateReason reason, long watermarkMs, long allowedLatenessMs) {
        this.event = event;
        this.reason = reason.code();
        this.watermarkMs = watermarkMs;
        this.allowedLatenessMs = allowedLatenessMs;
    }

    /**
     * The late topic's JSON: the producer's field names, so the message reads like the original,
     * plus {@code source}, {@code late_reason}, {@code watermark_ms} and {@code allowed_lateness_ms}.
     */
    @Override
    public byte[] toJson() {
        return RecordJson.object(json -> {
            json.writeStringField(SaleField.ITEM_ID.key(), event.itemId);
            json.writeStringField(SaleField.ITEM_NAME.key(), event.itemName);
            json.writeStringField(SaleField.STORE_ID.key(), event.storeId);
            json.writeNumberField(SaleField.ITEM_SOLD.key(), event.itemSold);
            json.writeNumberField(SaleField.TIMESTAMP_MS.key(), event.timestampMs);
            json.writeObjectFieldStart(EnvelopeField.SOURCE.key());
            json.writeStringField(EnvelopeField.TOPIC.key(), event.sourceTopic);
            json.writeNumberField(EnvelopeField.PARTITION.key(), event.sourcePartition);
            json.writeNumberField(EnvelopeField.OFFSET.key(), event.sourceOffset);
            json.writeEndObject();
            json.writeStringField(EnvelopeField.LATE_REASON.key(), reason);
            json.writeNumberField(EnvelopeField.WATERMARK_MS.key(), watermarkMs);
            json.writeNumberField(EnvelopeField.ALLOWED_LATENESS_MS.key(), allowedLatenessMs);
        });
    }

    @Override
    public String sourcePosition() {
        return event.sourceTopic + "/" + event.sourcePartition + "/" + event.sourceOffset;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof LateEvent)) {
            return false;
        }
        LateEvent that = (LateEvent) o;
        return watermarkMs == that.watermarkMs
                && allowedLatenessMs == that.allowedLatenessMs
                && Objects.equals(reason, that.reason)
                && Objects.equals(event, that.event);
    }

    @Override
    public int hashCode() {
        return Objects.hash(event, reason, watermarkMs, allowedLatenessMs);
    }

    @Override
    public String toString() {
        return "LateEvent{" + event + " " + reason + " watermark=" + watermarkMs + " allowedLateness="
                + allowedLatenessMs + "}";
    }
}
