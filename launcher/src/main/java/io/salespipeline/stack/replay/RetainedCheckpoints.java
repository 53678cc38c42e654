package io.salespipeline.stack.replay;

import io.salespipeline.stack.Progress;
import io.salespipeline.stack.StackException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checkpoints Flink keeps after its job is gone ({@code RETAIN_ON_CANCELLATION}), as it lays
 * them out under {@code execution.checkpointing.dir}: {@code <dir>/<job-id>/chk-<n>/_metadata}.
 * A {@code chk-<n>} directory without its {@code _metadata} file is a checkpoint the JobManager
 * never finished (it died during it, or it was aborted): it cannot be restored. The
 * {@code _metadata} file is the last thing the JobManager writes, so its modification time is
 * when the checkpoint completed.
 */
public final class RetainedCheckpoints {

    static final String METADATA = "_metadata";
    private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern CHECKPOINT = Pattern.compile("chk-(\\d+)");

    private RetainedCheckpoints() {}

    /**
     * Where a job can be restored from: a completed checkpoint, or a savepoint.
     *
     * @param pointer the path Flink's {@code savepointPath} takes (a plain absolute path for local files)
     * @param jobId the job that wrote it, when its location says so
     * @param checkpointId {@code n} of {@code chk-n}, when it is a checkpoint
     * @param completedAt when it was written, when the file can be read from here
     */
    public record RestorePoint(String pointer, String jobId, Long checkpointId, Instant completedAt) {

        boolean isCheckpoint() {
            return checkpointId != null;
        }

        /** "checkpoint 17 of job abc… (/…/chk-17), completed at 2024-…Z (12 s before now)". */
        String describe(Instant now) {
            String what = isCheckpoint()
                    ? "checkpoint " + checkpointId + (jobId == null ? "" : " of job " + jobId)
                    : "savepoint";
            String when = completedAt == null
                    ? "completion time unknown (not readable from here)"
                    : "completed at " + completedAt + " (" + Progress.human(Duration.between(completedAt, now))
                            + " ago)";
            return what + " " + pointer + ", " + when;
        }
    }

    /**
     * The local directory a configured checkpoint directory names ({@code file:///x}, {@code file:/x}
     * or {@code /x}); empty for a file system this machine cannot list (s3://, hdfs://, ...).
     */
    static Optional<Path> localDirectory(String configured) {
        String value = configured.strip();
        if (value.startsWith("/")) {
            return Optional.of(Path.of(value).normalize());
        }
        if (value.startsWith("file:")) {
            try {
                return Optional.of(Path.of(URI.create(value)).normalize());
            } catch (IllegalArgumentException e) {
                throw new StackException(
                        "cannot read the checkpoint directory '" + configured + "' as a file URI: " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** The newest completed checkpoint of one job: the highest {@code chk-n} holding a non-empty {@code _metadata}. */
    static Optional<RestorePoint> latestOf(Path checkpointDir, String jobId) {
        Path jobDir = checkpointDir.resolve(jobId);
        if (!Files.isDirectory(jobDir)) {
            return Optional.empty();
        }
        return list(jobDir).stream()
                .map(chk -> completed(jobId, chk))
                .flatMap(Optional::stream)
                .max(Comparator.comparingLong(RestorePoint::checkpointId));
    }

    /**
     * The newest completed checkpoint under the directory, over every job in it (by completion
     * time, then checkpoint number): for when no job is recorded for the version.
     */
    static Optional<RestorePoint> newest(Path checkpointDir) {
        if (!Files.isDirectory(checkpointDir)) {
            return Optional.empty();
        }
        return list(checkpointDir).stream()
                .filter(d -> JOB_ID.matcher(d.getFileName().toString()).matches())
                .map(d -> latestOf(checkpointDir, d.getFileName().toString()))
                .flatMap(Optional::stream)
                .max(Comparator.comparing(RestorePoint::completedAt).thenComparingLong(RestorePoint::checkpointId));
    }

    /**
     * What {@code --from} names: a checkpoint or savepoint directory, or its {@code _metadata} file.
     * A local one must be complete; a remote one (s3://, ...) is passed to Flink as it is.
     */
    public static RestorePoint given(String location) {
        Optional<Path> local = localDirectory(location);
        if (local.isEmpty()) {
            Matcher chk = CHECKPOINT.matcher(lastSegment(location));
            return new RestorePoint(location, null, chk.matches() ? Long.parseLong(chk.group(1)) : null, null);
        }
        Path path = local.get();
        if (path.getFileName() != null && path.getFileName().toString().equals(METADATA)) {
            path = path.getParent();
        }
        if (!Files.isDirectory(path)) {
            throw StackException.usage("--from " + location + ": no such checkpoint or savepoint directory");
        }
        Path metadata = path.resolve(METADATA);
        if (!isComplete(metadata)) {
            throw StackException.usage("--from " + location + ": no " + METADATA
                    + " in it, so it is not a completed checkpoint or savepoint");
        }
        Matcher chk = CHECKPOINT.matcher(path.getFileName().toString());
        String jobId = chk.matches()
                        && path.getParent() != null
                        && JOB_ID.matcher(path.getParent().getFileName().toString())
                                .matches()
                ? path.getParent().getFileName().toString()
                : null;
        return new RestorePoint(
                path.toString(), jobId, chk.matches() ? Long.parseLong(chk.group(1)) : null, modified(metadata));
    }

    private static Optional<RestorePoint> completed(String jobId, Path chk) {
        Matcher m = CHECKPOINT.matcher(chk.getFileName().toString());
        Path metadata = chk.resolve(METADATA);
        if (!m.matches() || !isComplete(metadata)) {
            return Optional.empty();
        }
        return Optional.of(new RestorePoint(chk.toString(), jobId, Long.parseLong(m.group(1)), modified(metadata)));
    }

    private static boolean isComplete(Path metadata) {
        try {
            return Files.isRegularFile(metadata) && Files.size(metadata) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static Instant modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            throw new StackException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory).toList();
        } catch (IOException e) {
            throw new StackException("cannot list " + dir + ": " + e.getMessage());
        }
    }

    private static String lastSegment(String location) {
        String trimmed = location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }
}
