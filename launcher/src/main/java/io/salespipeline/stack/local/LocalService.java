package io.salespipeline.stack.local;

import io.salespipeline.stack.clients.Credentials;
import java.nio.file.Path;
import java.util.List;

/** One server of the local stack: its processes, ports, data, and how to tell it really answers. */
abstract class LocalService implements AutoCloseable {

    /** What a probe saw: ready, or not yet with a short reason for the progress line. */
    record Readiness(boolean ready, String detail) {
        static Readiness ready(String detail) {
            return new Readiness(true, detail);
        }

        static Readiness notYet(String detail) {
            return new Readiness(false, detail);
        }
    }

    final StackLayout layout;
    final StackSettings settings;
    /** The logins of a secured stack; null when it runs without {@code --secure}. */
    final Credentials credentials;

    LocalService(StackLayout layout, StackSettings settings, Credentials credentials) {
        this.layout = layout;
        this.settings = settings;
        this.credentials = credentials;
    }

    abstract String name();

    /** The ports it binds, checked for conflicts before it starts. */
    abstract List<StackSettings.Setting> ports();

    abstract List<ManagedProcess> processes();

    /** Starts whichever of its processes is not running; returns immediately. */
    abstract void startMissing();

    /** A quick check that the service answers its clients. Never throws. */
    abstract Readiness probe();

    /** One-time set-up once it answers (topics, schema). Idempotent. */
    void afterReady() {}

    /** Where its clients reach it. */
    abstract String endpoint();

    Path dataDir() {
        return layout.dataDir(name());
    }

    boolean allRunning() {
        return processes().stream().allMatch(ManagedProcess::isRunning);
    }

    boolean anyRunning() {
        return processes().stream().anyMatch(ManagedProcess::isRunning);
    }

    /** Releases client connections a probe opened. */
    @Override
    public void close() {}
}
