package io.salespipeline.stack.generate;

/**
 * One Kafka message to send.
 *
 * @param key null for lines sent as they are
 * @param late whether the event time was put far behind the others on purpose
 * @param fault how the message was malformed on purpose, or null
 */
public record Message(byte[] key, byte[] value, boolean late, EventGenerator.Fault fault) {

    public boolean bad() {
        return fault != null;
    }
}
