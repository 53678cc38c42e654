package io.salespipeline.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Writes the kernel's dirty page cache to disk before a timed run. A log the bench has just
 * written (step 8 preloads its poisoned log right before replaying it) leaves hundreds of MB for
 * the kernel to write back, on the same cores and disk, during the replay that follows; a log
 * written minutes earlier (step 5's) does not. Measured here: 400 MB dirty during step 8 against
 * 85 MB during step 5. Flushing first lets both runs start from the same state.
 */
final class DirtyPages {

    private static final Path MEMINFO = Path.of("/proc/meminfo");
    private static final long FLUSH_TIMEOUT_SECONDS = 120;

    private DirtyPages() {}

    static void flush(String label, PrintStream err) {
        long before = dirtyKiB();
        long start = System.nanoTime();
        try {
            Process sync = new ProcessBuilder("sync").redirectErrorStream(true).start();
            if (!sync.waitFor(FLUSH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                sync.destroyForcibly();
                err.printf(
                        Locale.ROOT,
                        "%s: sync still writing after %d s; timing anyway%n",
                        label,
                        FLUSH_TIMEOUT_SECONDS);
                return;
            }
        } catch (IOException e) {
            // no sync(1): the run is timed as it is, like on any machine without one
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (before >= 0) {
            err.printf(
                    Locale.ROOT,
                    "%s: wrote %,d MB of dirty pages to disk first (%.1f s)%n",
                    label,
                    before / 1024,
                    (System.nanoTime() - start) / 1e9);
        }
    }

    /** Dirty page cache in KiB, or -1 where /proc/meminfo does not say. */
    static long dirtyKiB() {
        try {
            for (String line : Files.readAllLines(MEMINFO)) {
                if (line.startsWith("Dirty:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
