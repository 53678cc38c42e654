package io.salespipeline.stack.cli;

import io.salespipeline.contract.JobSetting;
import io.salespipeline.contract.Topic;
import io.salespipeline.contract.ViewSchema;
import io.salespipeline.stack.Args;
import io.salespipeline.stack.StackException;
import io.salespipeline.stack.generate.Catalog;
import io.salespipeline.stack.generate.EventPublisher;
import io.salespipeline.stack.generate.GenerateOptions;
import io.salespipeline.stack.generate.ReferenceData;
import io.salespipeline.stack.generate.StatusLine;
import io.salespipeline.stack.local.LocalStack;
import io.salespipeline.stack.local.StackLayout;
import io.salespipeline.stack.local.StackSettings;
import io.salespipeline.stack.replay.PipelineMonitor;
import io.salespipeline.stack.replay.VersionOperations;
import io.salespipeline.stack.views.ViewsReader;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code ./stack demo}: the whole pipeline in one command. Brings the stack up, deploys the job for
 * the active view version, generates live sales, and shows a panel of what the pipeline is doing,
 * read from the same places an operator would look: Flink REST, Kafka offsets and the Cassandra views.
 */
final class DemoCommand {

    private static final String USAGE =
            "usage: ./stack demo [--rate EVENTS_PER_S (200)] [--stores N (8)] [--bad-ratio X (0.02)] "
                    + "[--late-ratio Y (0.01)] [--refresh SECONDS (3)] [--for DURATION] [--down]\n"
                    + "  --for 90s: stop by itself after that long (as Ctrl-C does) and exit 0 only if the "
                    + "job ran, the views received rows\n"
                    + "             and the job stopped with a savepoint (with --down also: no process of the "
                    + "stack is left)";
    private static final int STORES_ON_PANEL = 3;
    /** Cursor to the top left, then each line cleared to its end and the rest of the screen below the panel. */
    private static final String HOME = "\033[H";

    private static final String CLEAR_LINE_END = "\033[K";
    private static final String CLEAR_BELOW = "\033[J";
    private static final String CLEAR_SCREEN = "\033[2J";
    /** How long Ctrl-C waits for the generator, the savepoint and (with --down) the stack to stop. */
    private static final long SHUTDOWN_WAIT_MINUTES = 5;

    private final StackLayout layout;
    private final PrintStream out;
    private final PrintStream err;

    DemoCommand(StackLayout layout, PrintStream out, PrintStream err) {
        this.layout = layout;
        this.out = out;
        this.err = err;
    }

    /**
     * What one refresh of the panel read: the job's figures, how many view rows the panel's stores have today, their
     * revenue and the region windows of today (null when the version runs the plain logic).
     */
    private record Frame(
            PipelineMonitor.Snapshot pipeline,
            long produced,
            int minuteWindows,
            int rankings,
            BigDecimal revenue,
            Integer regionWindows,
            String screen) {}

    int run(List<String> argv) {
        Args args = Args.parse(
                argv, Set.of("rate", "stores", "bad-ratio", "late-ratio", "refresh", "for"), Set.of("down", "help"));
        if (args.flag("help")) {
            out.println(USAGE);
            return 0;
        }
        double rate = args.doubleValue("rate") == null ? 200 : args.doubleValue("rate");
        int stores = args.intValue("stores") == null ? 8 : args.intValue("stores");
        int refreshSeconds = args.intValue("refresh") == null ? 3 : Math.max(1, args.intValue("refresh"));
        Duration runFor = args.durationValue("for");
        boolean down = args.flag("down");

        out.println("[1/4] starting the stack (Kafka, Cassandra, Flink)");
        new LocalStack(layout, out, err, System.getenv()).up();
        StackSettings settings = StackSettings.load(layout, null);
        out.println("[2/4] deploying the pipeline job for the active view version");
        VersionOperations.Deployment deployment;
        try (VersionOperations versions = versions()) {
            // a fresh installation runs the enriched logic, so the panel shows revenue
            deployment = versions.ensureActiveDeployed(
                    new JobSetting.Arguments().set(JobSetting.ENRICHMENT, true).toList());
        }
        out.println("      job " + deployment.jobId() + " writes " + deployment.keyspace());

        out.printf(Locale.ROOT, "[3/4] generating %.0f sales events/s into item_sales%n", rate);
        GenerateOptions live = GenerateOptions.generated(
                        Long.MAX_VALUE / 2,
                        rate,
                        Topic.ITEM_SALES.defaultName(),
                        settings.kafkaBootstrap(),
                        stores,
                        GenerateOptions.Defaults.ITEMS,
                        orDefault(args.doubleValue("bad-ratio"), 0.02),
                        orDefault(args.doubleValue("late-ratio"), 0.01),
                        System.currentTimeMillis(),
                        Instant.now())
                .withReference(GenerateOptions.ReferenceTopics.DEFAULT);
        EventPublisher generator = new EventPublisher(StatusLine.silent());
        Thread generating = new Thread(
                () -> {
                    try {
                        generator.publish(live, settings.kafkaBootstrap());
                    } catch (StackException e) {
                        err.println("generator: " + e.getMessage());
                    }
                },
                "demo-generator");
        generating.start();

        // Ctrl-C ends the panel; the hook holds the JVM until this thread has stopped everything.
        CountDownLatch stopRequested = new CountDownLatch(1);
        CountDownLatch stoppedAll = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stopRequested.countDown();
                            try {
                                stoppedAll.await(SHUTDOWN_WAIT_MINUTES, TimeUnit.MINUTES);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "demo-shutdown"));

        long started = System.nanoTime();
        long deadline = runFor == null ? Long.MAX_VALUE : started + runFor.toNanos();
        out.println("[4/4] live panel every " + refreshSeconds + " s; "
                + (runFor == null ? "Ctrl-C stops" : "after " + runFor.toSeconds() + " s the demo stops")
                + " the generator and the job");
        List<String> panelStores = Catalog.busiestStores(Math.min(STORES_ON_PANEL, stores));
        boolean terminal = Boolean.getBoolean("stack.stdout.terminal") && !"true".equals(System.getenv("CI"));
        boolean sawRunning = false;
        Frame last = null;
        try {
            try (PipelineMonitor monitor = new PipelineMonitor(
                            settings.flinkRest(), settings.kafkaBootstrap(), Topic.ITEM_SALES.defaultName());
                    ViewsReader views = ViewsReader.open(settings.cassandraContact(), deployment.keyspace())) {
                if (terminal) {
                    out.print(CLEAR_SCREEN);
                }
                while (stopRequested.getCount() > 0 && System.nanoTime() < deadline) {
                    last = frame(
                            settings,
                            deployment,
                            generator.sentSoFar(),
                            monitor.snapshot(deployment),
                            views,
                            panelStores);
                    sawRunning |= last.pipeline().state().equals("RUNNING");
                    out.print(
                            terminal
                                    ? HOME + last.screen().replace("\n", CLEAR_LINE_END + "\n") + CLEAR_LINE_END + "\n"
                                            + CLEAR_BELOW
                                    : line(last) + "\n");
                    out.flush();
                    long wait = Math.min(
                            TimeUnit.SECONDS.toNanos(refreshSeconds), Math.max(0, deadline - System.nanoTime()));
                    stopRequested.await(wait, TimeUnit.NANOSECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            List<String> failures = new ArrayList<>();
            String savepoint = shutDown(generator, generating, deployment, down, failures);
            if (runFor == null) {
                return 0;
            }
            return verdict(
                    Duration.ofNanos(System.nanoTime() - started),
                    deployment,
                    sawRunning,
                    last,
                    savepoint,
                    down,
                    failures);
        } finally {
            stoppedAll.countDown();
        }
    }

    /**
     * The bounded demo's answer (what {@code .ci/run} checks as README command one): exit 0 with a
     * summary line, or a one-line error naming every promise the run did not keep.
     */
    private int verdict(
            Duration ran,
            VersionOperations.Deployment deployment,
            boolean sawRunning,
            Frame last,
            String savepoint,
            boolean down,
            List<String> failures) {
        if (!sawRunning) {
            failures.add(0, "job " + deployment.jobId() + " was never seen RUNNING");
        }
        if (last == null || last.pipeline().parsed() == 0) {
            failures.add("the job parsed no events");
        }
        if (last == null || last.minuteWindows() + last.rankings() == 0) {
            failures.add("the views in " + deployment.keyspace() + " received no rows for "
                    + String.join(", ", Catalog.busiestStores(STORES_ON_PANEL)));
        }
        if (last != null && last.revenue() != null && last.revenue().signum() == 0) {
            failures.add("the views in " + deployment.keyspace() + " have the enriched logic's columns but no revenue "
                    + "for " + String.join(", ", Catalog.busiestStores(STORES_ON_PANEL))
                    + " (is the catalog on " + Topic.ITEM_CATALOG.defaultName() + "?)");
        }
        if (last != null && last.regionWindows() != null && last.regionWindows() == 0) {
            failures.add("the views in " + deployment.keyspace() + " have no region windows for "
                    + String.join(", ", ReferenceData.regions()) + " (is the directory on "
                    + Topic.STORE_DIRECTORY.defaultName() + "?)");
        }
        if (down && !layout.runningProcesses().isEmpty()) {
            failures.add("processes of the stack are still running after down: "
                    + String.join(", ", layout.runningProcesses().keySet()));
        }
        if (!failures.isEmpty()) {
            throw new StackException("demo failed after " + ran.toSeconds() + " s: " + String.join("; ", failures));
        }
        out.println(String.format(
                Locale.ROOT,
                "demo: ran %d s: job %s RUNNING, %,d events parsed (%,d rejected, %,d late); views: %d minute "
                        + "windows%s, %d top-items rankings%s; " + "savepoint %s%s",
                ran.toSeconds(),
                deployment.jobId(),
                last.pipeline().parsed(),
                last.pipeline().rejected(),
                last.pipeline().late(),
                last.minuteWindows(),
                last.revenue() == null ? "" : " (revenue " + last.revenue().toPlainString() + ")",
                last.rankings(),
                last.regionWindows() == null ? "" : ", " + last.regionWindows() + " region windows",
                savepoint,
                down ? "; stack down, no process left" : ""));
        return 0;
    }

    private static Frame frame(
            StackSettings settings,
            VersionOperations.Deployment deployment,
            long produced,
            PipelineMonitor.Snapshot s,
            ViewsReader views,
            List<String> stores) {
        Instant now = Instant.now();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Instant minute = now.truncatedTo(ChronoUnit.MINUTES);
        Instant hour = now.truncatedTo(ChronoUnit.HOURS);
        List<String> lines = new ArrayList<>();
        lines.add(String.format(
                Locale.ROOT,
                "sales-pipeline demo  %s UTC   view version %d (%s)   job %s %s",
                now.truncatedTo(ChronoUnit.SECONDS),
                deployment.version(),
                deployment.keyspace(),
                deployment.jobId(),
                s.state()));
        lines.add("web UI: " + settings.flinkRest() + "/#/job/running/" + deployment.jobId() + "/overview");
        lines.add("");
        lines.add(String.format(
                Locale.ROOT,
                "  produced   %,12d this demo   (log %s: %,d events)",
                produced,
                Topic.ITEM_SALES.defaultName(),
                s.logEvents()));
        lines.add(String.format(
                Locale.ROOT,
                "  parsed     %,12d             rejected %,d -> %s   late %,d -> %s",
                s.parsed(),
                s.rejected(),
                Topic.DEAD_LETTERS.defaultName(),
                s.late(),
                Topic.LATE_EVENTS.defaultName()));
        lines.add(String.format(
                Locale.ROOT,
                "  lag        %,12d             records the source has yet to read (per partition at its last "
                        + "report: %s)",
                s.totalLag(),
                s.lagText()));
        lines.add(String.format(
                Locale.ROOT,
                "  checkpoints %,11d             %s",
                s.checkpoints(),
                s.secondsSinceCheckpoint() < 0
                        ? "none completed yet"
                        : "last " + s.secondsSinceCheckpoint() + " s ago"));
        lines.add("");
        lines.add("  units this minute (" + minute.toString().substring(11, 16) + " UTC, store_sales_per_minute):");
        int minuteWindows = 0;
        BigDecimal revenue = views.schema() == ViewSchema.ENRICHED ? BigDecimal.ZERO : null;
        for (String store : stores) {
            List<ViewsReader.WindowRow> windows = views.storeMinutes(store, today);
            minuteWindows += windows.size();
            for (ViewsReader.WindowRow window : windows) {
                if (revenue != null && window.revenue() != null) {
                    revenue = revenue.add(window.revenue());
                }
            }
            lines.add(windowLine(store, windows, minute));
        }
        lines.add("  top items this hour (" + hour.toString().substring(11, 16) + " UTC, top_items_per_store_hour):");
        int rankings = 0;
        for (String store : stores) {
            List<ViewsReader.TopItemRow> ranks = views.topItems(store, today);
            rankings += (int) ranks.stream()
                    .map(ViewsReader.TopItemRow::windowStart)
                    .distinct()
                    .count();
            String ranking = ranks.stream()
                    .filter(r -> r.windowStart().equals(hour))
                    .map(r -> r.rank() + ". " + r.itemName() + " " + r.units())
                    .collect(Collectors.joining("   "));
            lines.add(String.format(Locale.ROOT, "    %-22s %s", store, ranking.isEmpty() ? "no sales yet" : ranking));
        }
        Integer regionWindows = null;
        if (views.schema() == ViewSchema.ENRICHED) {
            lines.add("  units this hour by region (" + hour.toString().substring(11, 16)
                    + " UTC, region_sales_per_hour):");
            regionWindows = 0;
            for (String region : ReferenceData.regions()) {
                List<ViewsReader.WindowRow> windows = views.regionHours(region, today);
                regionWindows += windows.size();
                lines.add(windowLine(region, windows, hour));
            }
        }
        lines.add("");
        lines.add("  Ctrl-C stops the generator and the job (with a savepoint); query the views with ./views, "
                + "status with ./replay status");
        return new Frame(s, produced, minuteWindows, rankings, revenue, regionWindows, String.join("\n", lines));
    }

    /** One panel line: {@code key}'s window starting at {@code start}, or that it has no sales yet. */
    private static String windowLine(String key, List<ViewsReader.WindowRow> windows, Instant start) {
        String value = windows.stream()
                .filter(w -> w.windowStart().equals(start))
                .findFirst()
                .map(DemoCommand::describe)
                .orElse("no sales yet");
        return String.format(Locale.ROOT, "    %-22s %s", key, value);
    }

    private static String describe(ViewsReader.WindowRow w) {
        return String.format(
                Locale.ROOT,
                "%,d units in %,d events%s%s",
                w.units(),
                w.events(),
                w.revenue() == null
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                ", revenue %s (%,d unpriced)",
                                w.revenue().toPlainString(),
                                w.unpricedEvents()),
                w.isFinal() ? " (final)" : "");
    }

    /** The panel as one plain line, for a log or a pipe. */
    private static String line(Frame f) {
        PipelineMonitor.Snapshot s = f.pipeline();
        return String.format(
                Locale.ROOT,
                "demo %s job %s | produced %,d | parsed %,d | rejected %,d | late %,d | lag %,d | checkpoints "
                        + "%,d%s | minute windows %d | rankings %d%s%s",
                Instant.now().truncatedTo(ChronoUnit.SECONDS),
                s.state(),
                f.produced(),
                s.parsed(),
                s.rejected(),
                s.late(),
                s.totalLag(),
                s.checkpoints(),
                s.secondsSinceCheckpoint() < 0 ? "" : " (last " + s.secondsSinceCheckpoint() + " s ago)",
                f.minuteWindows(),
                f.rankings(),
                f.revenue() == null ? "" : " | revenue " + f.revenue().toPlainString(),
                f.regionWindows() == null ? "" : " | region windows " + f.regionWindows());
    }

    /**
     * Stops the generator and the job (and with {@code down} the stack); returns the savepoint, null if none was taken
     * (the reason in {@code failures}).
     */
    private String shutDown(
            EventPublisher generator,
            Thread generating,
            VersionOperations.Deployment deployment,
            boolean down,
            List<String> failures) {
        out.println();
        out.println("stopping the generator (" + generator.sentSoFar() + " events sent)");
        generator.stop();
        try {
            generating.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String savepoint = null;
        try (VersionOperations versions = versions()) {
            savepoint = versions.stop(deployment);
            out.println("stopping job " + deployment.jobId() + " with a savepoint: " + savepoint);
        } catch (StackException e) {
            err.println("demo: " + e.getMessage());
            failures.add("the job did not stop with a savepoint (" + e.getMessage() + ")");
        }
        if (down) {
            new LocalStack(layout, out, err, System.getenv()).down(false);
        } else {
            out.println("the stack keeps running (web UI "
                    + StackSettings.load(layout, null).flinkRest() + "); stop it with ./stack down");
        }
        return savepoint;
    }

    private static double orDefault(Double given, double defaultValue) {
        return given == null ? defaultValue : given;
    }

    private VersionOperations versions() {
        return new VersionOperations(layout, VersionOperations.Endpoints.localStack(layout), out, err);
    }
}
