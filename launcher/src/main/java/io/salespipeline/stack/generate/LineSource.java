package io.salespipeline.stack.generate;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Lines of a file or stdin as messages, like kafka-console-producer: one message per non-empty
 * line, without key. Lines are split on raw bytes and sent unchanged (only the line ending goes),
 * so text that is not valid UTF-8 reaches the pipeline exactly as written.
 */
final class LineSource implements Iterator<Message> {

    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private byte[] next;
    private boolean ended;

    LineSource(InputStream in) {
        this.in = new BufferedInputStream(in, 1 << 16);
    }

    @Override
    public boolean hasNext() {
        while (next == null && !ended) {
            next = readLine();
        }
        return next != null;
    }

    @Override
    public Message next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Message message = new Message(null, next, false, null);
        next = null;
        return message;
    }

    /** The next line without its ending; null for an empty line or at the end. */
    private byte[] readLine() {
        line.reset();
        try {
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                line.write(b);
            }
            ended = b == -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        if (length == 0) {
            return null;
        }
        return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
    }
}
