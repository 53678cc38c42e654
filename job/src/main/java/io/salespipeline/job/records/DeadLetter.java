package io.salespipeline.job.records;

import io.salespipeline.contract.EnvelopeField;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;

/**
 * A message the job could not use, with why and where it came from, for the dead-letter topic.
 *
 * <p>A payload of up to {@link #WHOLE_PAYLOAD_MAX_BYTES} is kept whole. It is stored as text when it
 * is valid UTF-8 (readable in any Kafka tool) and as base64 otherwise (the only lossless form); at
 * most one of {@link #payloadText} and {@link #payloadBase64} is set, and neither for a null value
 * (a tombstone). A larger payload is truncated to its first {@link #TRUNCATED_PAYLOAD_BYTES} (text or
 * base64 by the same rule) with its byte length and SHA-256: JSON escaping can make text six times
 * longer ({@code \u0001}), and an envelope beyond what the dead-letter producer and topic accept
 * would fail the sink, restart the job and read the same message again, for ever. The whole message
 * stays in the log at the envelope's source position.
 *
 * <p>A Flink POJO (public no-arg constructor, public fields), so it never falls back to Kryo.
 */
public class DeadLetter implements KafkaEnvelope {

    /** Value of {@link #kafkaTimestamp} when the Kafka record had none. */
    public static final long NO_TIMESTAMP = -1L;

    /**
     * Payloads up to this size are kept whole: escaped, at most 6 MiB, well within {@code
     * KafkaConnectors.MAX_ENVELOPE_BYTES}.
     */
    public static final int WHOLE_PAYLOAD_MAX_BYTES = 1024 * 1024;
    /** How much of a larger payload an envelope keeps. */
    public static final int TRUNCATED_PAYLOAD_BYTES = 64 * 1024;

    /** A {@code RejectReason} code. */
    public String reason;

    public String detail;
    public String sourceTopic;
    public int sourcePartition;
    public long sourceOffset;
    /** The Kafka record timestamp, epoch milliseconds, or {@link #NO_TIMESTAMP}. */
    public long kafkaTimestamp = NO_TIMESTAMP;
    /** The payload when it is valid UTF-8, else null. */
    public String payloadText;
    /** The payload, base64-encoded, when it is not valid UTF-8, else null. */
    public String payloadBase64;
    /**
     * Whether {@link #payloadText} or {@link #payloadBase64} holds only the payload's first {@link
     * #TRUNCATED_PAYLOAD_BYTES}.
     */
    public boolean payloadTruncated;
    /** The whole payload's length in bytes, when truncated (else -1). */
    public long payloadLength = -1;
    /** The whole payload's SHA-256, lowercase hex, when truncated (else null). */
    public String payloadSha256;

    public DeadLetter() {}

    /** A dead letter for {@code payload}, choosing text or base64 by whether it is valid UTF-8. */
    public static DeadLetter of(
            String reason,
            String detail,
            String sourceTopic,
            int sourcePartition,
            long sourceOffset,
            long kafkaTimestamp,
            byte[] payload) {
        DeadLetter letter = new DeadLetter();
        letter.reason = reason;
        letter.detail = detail;
        letter.sourceTopic = sourceTopic;
        letter.sourcePartition = sourcePartition;
        letter.sourceOffset = sourceOffset;
        letter.kafkaTimestamp = kafkaTimestamp;
        if (payload != null) {
            byte[] kept = payload;
            if (payload.length > WHOLE_PAYLOAD_MAX_BYTES) {
                letter.payloadTruncated = true;
                letter.payloadLength = payload.length;
                letter.payloadSha256 = sha256Hex(payload);
                kept = Arrays.copyOf(payload, TRUNCATED_PAYLOAD_BYTES);
            }
            letter.payloadText = strictUtf8(kept);
            if (letter.payloadText == null) {
                letter.payloadBase64 = Base64.getEncoder().encodeToString(kept);
            }
        }
        return letter;
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * The payload bytes the envelope keeps (the first {@link #TRUNCATED_PAYLOAD_BYTES} when truncated), or null for a
     * tombstone.
     */
    public byte[] payloadBytes() {
        if (payloadBase64 != null) {
            return Base64.getDecoder().decode(payloadBase64);
        }
        return payloadText == null ? null : payloadText.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The dead-letter topic's envelope:
     * {@code {"reason":..,"detail":..,"source":{"topic":..,"partition":..,"offset":..,"timestamp":..},"payload":..}}
     * with {@code "payload_base64"} instead of {@code "payload"} for a non-UTF-8 payload, and
     * {@code "payload_truncated":true,"payload_bytes":..,"payload_sha256":..} after it when the
     * payload was truncated. A missing Kafka timestamp and a tombstone payload are written as JSON null.
     */
    @Override
    public byte[] toJson() {
        return RecordJson.object(json -> {
            json.writeStringField(EnvelopeField.REASON.key(), reason);
            json.writeStringField(EnvelopeField.DETAIL.key(), detail);
            json.writeObjectFieldStart(EnvelopeField.SOURCE.key());
            json.writeStringField(EnvelopeField.TOPIC.key(), sourceTopic);
            json.writeNumberField(EnvelopeField.PARTITION.key(), sourcePartition);
            json.writeNumberField(EnvelopeField.OFFSET.key(), sourceOffset);
            if (kafkaTimestamp == NO_TIMESTAMP) {
                json.writeNullField(EnvelopeField.TIMESTAMP.key());
            } else {
                json.writeNumberField(EnvelopeField.TIMESTAMP.key(), kafkaTimestamp);
            }
            json.writeEndObject();
            if (payloadBase64 != null) {
                json.writeStringField(EnvelopeField.PAYLOAD_BASE64.key(), payloadBase64);
            } else {
                json.writeStringField(EnvelopeField.PAYLOAD.key(), payloadText);
            }
            if (payloadTruncated) {
                json.writeBooleanField(EnvelopeField.PAYLOAD_TRUNCATED.key(), true);
                json.writeNumberField(EnvelopeField.PAYLOAD_BYTES.key(), payloadLength);
                json.writeStringField(EnvelopeField.PAYLOAD_SHA256.key(), payloadSha256);
            }
        });
    }

    /** Reads back what {@link #toJson()} wrote; {@link IllegalArgumentException} if it is not such an envelope. */
    public static DeadLetter fromJson(byte[] json) {
        JsonNode root;
        try {
            root = RecordJson.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a dead-letter envelope: " + e.getMessage(), e);
        }
        if (root == null
                || !root.isObject()
                || !root.path(EnvelopeField.SOURCE.key()).isObject()) {
            throw new IllegalArgumentException("not a dead-letter envelope: expected an object with a 'source' object");
        }
        JsonNode source = root.get(EnvelopeField.SOURCE.key());
        DeadLetter letter = new DeadLetter();
        letter.reason = root.path(EnvelopeField.REASON.key()).textValue();
        letter.detail = root.path(EnvelopeField.DETAIL.key()).textValue();
        letter.sourceTopic = source.path(EnvelopeField.TOPIC.key()).textValue();
        letter.sourcePartition = source.path(EnvelopeField.PARTITION.key()).intValue();
        letter.sourceOffset = source.path(EnvelopeField.OFFSET.key()).longValue();
        JsonNode timestamp = source.path(EnvelopeField.TIMESTAMP.key());
        letter.kafkaTimestamp = timestamp.isNumber() ? timestamp.longValue() : NO_TIMESTAMP;
        letter.payloadText = root.path(EnvelopeField.PAYLOAD.key()).textValue();
        letter.payloadBase64 = root.path(EnvelopeField.PAYLOAD_BASE64.key()).textValue();
        letter.payloadTruncated =
                root.path(EnvelopeField.PAYLOAD_TRUNCATED.key()).asBoolean(false);
        letter.payloadLength = root.path(EnvelopeField.PAYLOAD_BYTES.key()).asLong(-1);
        letter.payloadSha256 = root.path(EnvelopeField.PAYLOAD_SHA256.key()).textValue();
        return letter;
    }

    /**
     * The payload as text, or null where it is not valid UTF-8. Reads the decoder's result rather
     * than letting it throw: a poisoned log brings a stream of such payloads, and each exception
     * would capture the task thread's deep stack.
     */
    private static String strictUtf8(byte[] bytes) {
        CharBuffer text = CharBuffer.allocate(bytes.length);
        CoderResult result = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes), text, true);
        return result.isError() ? null : text.flip().toString();
    }

    @Override
    public String sourcePosition() {
        return sourceTopic + "/" + sourcePartition + "/" + sourceOffset;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof DeadLetter)) {
            return false;
        }
        DeadLetter that = (DeadLetter) o;
        return sourcePartition == that.sourcePartition
                && sourceOffset == that.sourceOffset
                && kafkaTimestamp == that.kafkaTimestamp
                && Objects.equals(reason, that.reason)
                && Objects.equals(detail, that.detail)
                && Objects.equals(sourceTopic, that.sourceTopic)
                && Objects.equals(payloadText, that.payloadText)
                && Objects.equals(payloadBase64, that.payloadBase64)
                && payloadTruncated == that.payloadTruncated
                && payloadLength == that.payloadLength
                && Objects.equals(payloadSha256, that.payloadSha256);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                reason,
                detail,
                sourceTopic,
                sourcePartition,
                sourceOffset,
                kafkaTimestamp,
                payloadText,
                payloadBase64,
                payloadTruncated,
                payloadLength,
                payloadSha256);
    }

    @Override
    public String toString() {
        String payload = payloadBase64 != null ? "base64:" + payloadBase64 : String.valueOf(payloadText);
        if (payload.length() > 200) {
            payload = payload.substring(0, 200) + "...";
        }
        return "DeadLetter{" + reason + ": " + detail + " from " + sourceTopic + "/" + sourcePartition + "@"
                + sourceOffset + " t=" + kafkaTimestamp + " payload=" + payload + "}";
    }
}
