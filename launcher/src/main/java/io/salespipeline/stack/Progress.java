package io.salespipeline.stack;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A live status line on a terminal (rewritten in place); on a pipe or in CI, a plain line every
 * few seconds and whenever the text changes, so logs show progress without flooding.
 */
public final class Progress {

    private static final long PLAIN_INTERVAL_MS = 5_000;

    private final PrintStream out;
    private final boolean terminal;
    private String lastText = "";
    private long lastPrinted;
    private int lastWidth;

    public Progress(PrintStream out) {
        this.out = out;
        this.terminal = System.console() != null && !"true".equals(System.getenv("CI"));
    }

    public void update(String text) {
        long now = System.currentTimeMillis();
        if (terminal) {
            String padded = text.length() < lastWidth ? text + " ".repeat(lastWidth - text.length()) : text;
            out.print("\r" + padded);
            out.flush();
            lastWidth = text.length();
        } else if (!text.equals(lastText) && now - lastPrinted >= 1_000 || now - lastPrinted >= PLAIN_INTERVAL_MS) {
            out.println(text);
            lastPrinted = now;
        }
        lastText = text;
    }

    /** Ends the live line so what follows starts on a fresh one. */
    public void finish(String text) {
        if (terminal) {
            update(text);
            out.println();
        } else {
            out.println(text);
        }
        lastWidth = 0;
    }

    /** A duration as a person reads it on a status line: 45s, 12m, 3h07m. */
    public static String human(Duration d) {
        long s = d.toSeconds();
        return s < 120 ? s + "s" : s < 7200 ? (s / 60) + "m" : (s / 3600) + "h" + (s % 3600 / 60) + "m";
    }

    /** A number per Kafka partition on one line: {@code p0=12 p1=0}. */
    public static String perPartition(Map<Integer, Long> values) {
        return values.entrySet().stream()
                .map(e -> "p" + e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    }
}
