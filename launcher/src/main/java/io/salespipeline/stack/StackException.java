package io.salespipeline.stack;

/** A failure the user can act on; the CLI prints its message as one line and exits non-zero. */
public class StackException extends RuntimeException {

    private final int exitCode;
    private final String detail;

    public StackException(String message) {
        this(message, 1);
    }

    public StackException(String message, int exitCode) {
        this(message, exitCode, null);
    }

    /** @param detail what a server answered in full (a stack trace), for the error log rather than the terminal */
    public StackException(String message, int exitCode, String detail) {
        super(message);
        this.exitCode = exitCode;
        this.detail = detail;
    }

    public static StackException withDetail(String message, String detail) {
        return new StackException(message, 1, detail);
    }

    /** The full answer behind the one-line message, or null. */
    public String detail() {
        return detail;
    }

    public static StackException usage(String message) {
        return new StackException(message, 2);
    }

    public int exitCode() {
        return exitCode;
    }
}
