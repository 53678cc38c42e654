package io.salespipeline.stack;

/** A failure the user can act on; the CLI prints its message as one line and exits non-zero. */
public class StackException extends RuntimeException {

    private final int exitCode;

    public StackException(String message) {
        this(message, 1);
    }

    public StackException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public static StackException usage(String message) {
        return new StackException(message, 2);
    }

    public int exitCode() {
        return exitCode;
    }
}
