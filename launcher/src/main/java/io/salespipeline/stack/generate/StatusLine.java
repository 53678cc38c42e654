package io.salespipeline.stack.generate;

import java.util.function.BiConsumer;

/** Where progress goes: a live line updated in place, then a final one. */
public interface StatusLine {

    void update(String text);

    void finish(String text);

    /** For a caller that shows progress its own way (the demo panel). */
    static StatusLine silent() {
        return of(null, (ignored, text) -> {}, (ignored, text) -> {});
    }

    /**
     * Adapts any object with such methods, e.g. {@code StatusLine.of(progress, Progress::update, Progress::finish)}.
     */
    static <T> StatusLine of(T target, BiConsumer<T, String> update, BiConsumer<T, String> finish) {
        return new StatusLine() {
            @Override
            public void update(String text) {
                update.accept(target, text);
            }

            @Override
            public void finish(String text) {
                finish.accept(target, text);
            }
        };
    }
}
