package io.salespipeline.stack;

import io.salespipeline.stack.generate.Catalog;
import io.salespipeline.stack.generate.GenerateCommand;
import io.salespipeline.stack.generate.StatusLine;
import io.salespipeline.stack.replay.PipelineMonitor;
import io.salespipeline.stack.replay.ReplayCli;
import io.salespipeline.stack.views.ViewsReader;
import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * {@code ./stack demo}: the whole pipeline in one command. Brings the stack up, deploys the job for
 * the active view version, generates live sales, and shows a panel of what the pipeline is doing,
 * read from the same places an operator would look: Flink REST, Kafka offsets and the Cassandra views.
 */
final class DemoCommand {

    private static final String USAGE = "usage: ./stack demo [--rate EVENTS_PER_S (200)] [--stores N (8)] [--bad-ratio X (0.02)] "
            + "[--late-ratio Y (0.01)] [--refresh SECONDS (3)] [--down]";
    private static final int STORES_ON_PANEL = 3;
    private static final String CLEAR_SCREEN = "\033[H\033[2J";

    private final StackLayout layout;
    private final PrintStream out;
    private final PrintStream err;

    DemoCommand(StackLayout layout, PrintStream out, PrintStream err) {
        this.layout = layout;
        this.out = out;
        this.err = err;
    }

    int run(List<String> argv) {
        Args args = Args.parse(argv, Set.of("rate", "stores", "bad-ratio", "late-ratio", "refresh"), Set.of("down", "help"));
        if (args.flag("help")) {
            out.println(USAGE);
            return 0;
        }
        String rate = args.value("rate") == null ? "200" : args.value("rate");
        int stores = args.intValue("stores") == null ? 8 : args.intValue("stores");
        int refreshSeconds = args.intValue("refresh") == null ? 3 : Math.max(1, args.intValue("refresh"));

        out.println("[1/4] starting the stack (Kafka, Cassandra, Flink)");
        if (new StackCli(layout, out, err).run(List.of("up")) != 0) {
            return 1;
        }
        StackSettings settings = StackSettings.load(layout, null);
        out.println("[2/4] deploying the pipeline job for the active view version");
        ReplayCli replay = new ReplayCli(layout, out, err, System.getenv());
        ReplayCli.Deployment deployment = replay.ensureActiveDeployed();
        out.println("      job " + deployment.jobId() + " writes " + deployment.keyspace());

        out.println("[3/4] generating " + rate + " sales events/s into item_sales");
        GenerateCommand generator = new GenerateCommand(out, StatusLine.silent(), settings::kafkaBootstrap);
        List<String> generatorArgs = List.of("--rate", rate, "--count", Long.toString(Long.MAX_VALUE / 2), "--stores", Integer.toString(stores),
                "--bad-ratio", args.value("bad-ratio") == null ? "0.02" : args.value("bad-ratio"),
                "--late-ratio", args.value("late-ratio") == null ? "0.01" : args.value("late-ratio"),
                "--start-time", "now", "--seed", Long.toString(System.currentTimeMillis()));
        Thread generating = new Thread(() -> {
            try {
                generator.run(generatorArgs);
            } catch (StackException e) {
                err.println("generator: " + e.getMessage());
            }
        }, "demo-generator");
        generating.start();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopped.countDown();
            shutDown(generator, generating, replay, deployment, args.flag("down"));
        }, "demo-shutdown"));

        out.println("[4/4] live panel every " + refreshSeconds + " s; Ctrl-C stops the generator and the job");
        List<String> panelStores = Catalog.busiestStores(Math.min(STORES_ON_PANEL, stores));
        boolean terminal = System.console() != null && !"true".equals(System.getenv("CI"));
        try (PipelineMonitor monitor = new PipelineMonitor(settings.flinkRest(), settings.kafkaBootstrap(), "item_sales");
                ViewsReader views = ViewsReader.open(settings.cassandraContact(), deployment.keyspace())) {
            while (stopped.getCount() > 0) {
                String panel = panel(settings, deployment, generator.sentSoFar(), monitor.snapshot(deployment), views, panelStores);
                out.print(terminal ? CLEAR_SCREEN + panel : panel + "\n");
                out.flush();
                stopped.await(refreshSeconds, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static String panel(StackSettings settings, ReplayCli.Deployment deployment, long produced, PipelineMonitor.Snapshot s,
            ViewsReader views, List<String> stores) {
        Instant now = Instant.now();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Instant minute = now.truncatedTo(ChronoUnit.MINUTES);
        Instant hour = now.truncatedTo(ChronoUnit.HOURS);
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "sales-pipeline demo  %s UTC   view version %d (%s)   job %s %s",
                now.truncatedTo(ChronoUnit.SECONDS), deployment.version(), deployment.keyspace(), deployment.jobId(), s.state()));
        lines.add("web UI: " + settings.flinkRest() + "/#/job/running/" + deployment.jobId() + "/overview");
        lines.add("");
        lines.add(String.format(Locale.ROOT, "  produced   %,12d this demo   (log item_sales: %,d events)", produced, s.logEvents()));
        lines.add(String.format(Locale.ROOT, "  parsed     %,12d             rejected %,d -> item_sales_dlq   late %,d -> item_sales_late",
                s.parsed(), s.rejected(), s.late()));
        lines.add(String.format(Locale.ROOT, "  lag        %,12d             (%s; log end minus committed offsets)", s.totalLag(), s.lagText()));
        lines.add(String.format(Locale.ROOT, "  checkpoints %,11d             %s", s.checkpoints(),
                s.secondsSinceCheckpoint() < 0 ? "none completed yet" : "last " + s.secondsSinceCheckpoint() + " s ago"));
        lines.add("");
        lines.add("  units this minute (" + minute.toString().substring(11, 16) + " UTC, store_sales_per_minute):");
        for (String store : stores) {
            String value = views.storeMinutes(store, today).stream().filter(w -> w.windowStart().equals(minute)).findFirst()
                    .map(w -> String.format(Locale.ROOT, "%,d units in %,d events%s", w.units(), w.events(), w.isFinal() ? " (final)" : ""))
                    .orElse("no sales yet");
            lines.add(String.format(Locale.ROOT, "    %-22s %s", store, value));
        }
        lines.add("  top items this hour (" + hour.toString().substring(11, 16) + " UTC, top_items_per_store_hour):");
        for (String store : stores) {
            String ranking = views.topItems(store, today).stream().filter(r -> r.windowStart().equals(hour))
                    .map(r -> r.rank() + ". " + r.itemName() + " " + r.units()).collect(Collectors.joining("   "));
            lines.add(String.format(Locale.ROOT, "    %-22s %s", store, ranking.isEmpty() ? "no sales yet" : ranking));
        }
        lines.add("");
        lines.add("  Ctrl-C stops the generator and the job (with a savepoint); query the views with ./views, status with ./replay status");
        return String.join("\n", lines);
    }

    private void shutDown(GenerateCommand generator, Thread generating, ReplayCli replay, ReplayCli.Deployment deployment, boolean down) {
        out.println();
        out.println("stopping the generator (" + generator.sentSoFar() + " events sent)");
        generator.stop();
        try {
            generating.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            out.println("stopping job " + deployment.jobId() + " with a savepoint: " + replay.stop(deployment));
        } catch (StackException e) {
            err.println("demo: " + e.getMessage());
        }
        if (down) {
            new StackCli(layout, out, err).run(List.of("down"));
        } else {
            out.println("the stack keeps running (web UI " + StackSettings.load(layout, null).flinkRest() + "); stop it with ./stack down");
        }
    }
}
