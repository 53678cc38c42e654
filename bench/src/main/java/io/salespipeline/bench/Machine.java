package io.salespipeline.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What the numbers were measured on. The load average is part of it: on a 2-core machine any
 * other process (another engineer's stack, a build) takes a visible share of every ceiling.
 */
record Machine(int cpus, String cpuModel, double memoryGiB, String java, String os, double loadAverage) {

    static Machine detect() {
        List<String> cpuinfo = lines(Path.of("/proc/cpuinfo"));
        String model = cpuinfo.stream()
                .filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip())
                .findFirst()
                .orElse(System.getProperty("os.arch"));
        double memory = lines(Path.of("/proc/meminfo")).stream()
                .filter(l -> l.startsWith("MemTotal:"))
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0)
                .findFirst()
                .orElse(0.0);
        return new Machine(
                Runtime.getRuntime().availableProcessors(),
                model,
                Math.round(memory * 10) / 10.0,
                System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                loadNow());
    }

    /** The 1-minute load average, or -1 where the system does not report one. */
    static double loadNow() {
        return Math.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() * 100) / 100.0;
    }

    String summary() {
        return String.format(
                Locale.ROOT,
                "%d cores (%s), %.1f GiB, Java %s, %s, load average %.2f at start",
                cpus,
                cpuModel,
                memoryGiB,
                java,
                os,
                loadAverage);
    }

    /** Empty where the file does not exist (not Linux): the report then says less, nothing fails. */
    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }
}
