package io.salespipeline.stack.clients;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.salespipeline.stack.Pause;
import io.salespipeline.stack.StackException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The Flink REST API (the one the web UI uses): works against any session cluster. */
public final class FlinkRest {

    /** A job as {@code /jobs/overview} lists it. */
    public record Job(String id, String name, String state, long startTime, long durationMs) {
        public boolean isRunning() {
            return state.equals("RUNNING")
                    || state.equals("CREATED")
                    || state.equals("INITIALIZING")
                    || state.equals("RESTARTING");
        }
    }

    /** A job's state and how many of its subtasks run, as {@code /jobs/overview} lists them. */
    public record Tasks(String state, int running, int total) {
        /**
         * Every subtask runs. The job's own state is not enough: a region failover restarts the
         * tasks while the job stays RUNNING, and a restarted job is RUNNING while its tasks are
         * still being scheduled.
         */
        public boolean allRunning() {
            return state.equals("RUNNING") && total > 0 && running == total;
        }

        /** The job ended: it runs no more, whatever happens. */
        public boolean ended() {
            return state.equals("FAILED") || state.equals("CANCELED") || state.equals("FINISHED");
        }
    }

    /** What {@code /jobs/:id/checkpoints} says about the latest completed checkpoint, savepoint and restore. */
    public record Checkpoints(
            long completedCount,
            long lastCompletedAt,
            String lastCompletedPath,
            String lastSavepointPath,
            String restoredFrom,
            boolean restoredFromSavepoint) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The job's exception for a bad setting ({@code io.salespipeline.job.config.ConfigException}): its message is the
     * whole reason.
     */
    private static final String JOB_SETTING_ERROR = "io.salespipeline.job.config.ConfigException";

    private final String base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public FlinkRest(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    public String base() {
        return base;
    }

    public List<Job> jobs() {
        List<Job> jobs = new ArrayList<>();
        for (JsonNode j : get("/jobs/overview").path("jobs")) {
            jobs.add(new Job(
                    j.path("jid").asText(),
                    j.path("name").asText(),
                    j.path("state").asText(),
                    j.path("start-time").asLong(),
                    j.path("duration").asLong()));
        }
        return jobs;
    }

    public Optional<Job> job(String id) {
        return jobs().stream().filter(j -> j.id().equals(id)).findFirst();
    }

    public Checkpoints checkpoints(String jobId) {
        JsonNode answer = get("/jobs/" + jobId + "/checkpoints");
        JsonNode latest = answer.path("latest");
        JsonNode completed = latest.path("completed");
        JsonNode savepoint = latest.path("savepoint");
        JsonNode restored = latest.path("restored");
        JsonNode counts = answer.path("counts");
        return new Checkpoints(
                counts.path("completed").asLong(),
                completed.path("latest_ack_timestamp").asLong(0),
                textOrNull(completed.path("external_path")),
                textOrNull(savepoint.path("external_path")),
                textOrNull(restored.path("external_path")),
                restored.path("is_savepoint").asBoolean(false));
    }

    /** The first of these keys the JobManager's configuration sets ({@code /jobmanager/config}), else empty. */
    public Optional<String> configValue(String... keys) {
        JsonNode entries = get("/jobmanager/config");
        for (String key : keys) {
            for (JsonNode entry : entries) {
                if (entry.path("key").asText().equals(key)
                        && !entry.path("value").asText("").isBlank()) {
                    return Optional.of(entry.path("value").asText().strip());
                }
            }
        }
        return Optional.empty();
    }

    /** Uploads a job jar; returns the id {@code /jars/:id/run} takes. */
    public String uploadJar(Path jar) {
        String boundary = "----replay" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                            + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            body.write(Files.readAllBytes(jar));
            body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new StackException("cannot read the job jar " + jar + ": " + e.getMessage());
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/jars/upload"))
                .timeout(Duration.ofMinutes(2))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
        JsonNode answer = send(request, "uploading " + jar.getFileName());
        String filename = answer.path("filename").asText("");
        if (filename.isEmpty()) {
            throw new StackException("the cluster did not accept the jar " + jar + ": " + answer);
        }
        return Path.of(filename).getFileName().toString();
    }

    /**
     * Starts a job from an uploaded jar, optionally from a savepoint; returns the job id.
     *
     * @param flinkConfiguration Flink options for this job only, over the cluster's (FLIP-256)
     */
    public String runJar(
            String jarId,
            List<String> programArgs,
            Integer parallelism,
            String savepointPath,
            Map<String, String> flinkConfiguration) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("programArgsList")
                .addAll(programArgs.stream()
                        .map(JSON.getNodeFactory()::textNode)
                        .toList());
        if (!flinkConfiguration.isEmpty()) {
            ObjectNode configuration = body.putObject("flinkConfiguration");
            flinkConfiguration.forEach(configuration::put);
        }
        if (parallelism != null) {
            body.put("parallelism", parallelism);
        }
        if (savepointPath != null) {
            body.put("savepointPath", savepointPath);
            body.put("allowNonRestoredState", false);
        }
        JsonNode answer = post("/jars/" + jarId + "/run", body, "starting the job");
        String jobId = answer.path("jobid").asText("");
        if (jobId.isEmpty()) {
            throw new StackException("the cluster did not start the job: " + answer);
        }
        return jobId;
    }

    /**
     * Uploads the jar, starts one job from it and deletes the upload again: the cluster keeps the
     * job's own copy, and uploads are never removed otherwise (26 MB per deployment on disk).
     *
     * @param warnings where an upload that could not be deleted is reported
     */
    public String submit(
            Path jar, List<String> programArgs, Integer parallelism, String savepointPath, PrintStream warnings) {
        String jarId = uploadJar(jar);
        try {
            return runJar(jarId, programArgs, parallelism, savepointPath, Map.of());
        } finally {
            deleteUpload(jarId, warnings);
        }
    }

    /**
     * Removes an uploaded jar; jobs started from it keep running on their own copy. A failure only
     * leaves disk space taken, so it is a warning, never the caller's error: a job that started, or
     * the reason it did not, is the answer that matters.
     */
    public void deleteUpload(String jarId, PrintStream warnings) {
        try {
            send(
                    HttpRequest.newBuilder(URI.create(base + "/jars/" + jarId))
                            .timeout(Duration.ofSeconds(30))
                            .DELETE()
                            .build(),
                    "deleting the uploaded jar " + jarId);
        } catch (StackException e) {
            warnings.println("the uploaded job jar " + jarId + " stays on the cluster: " + e.getMessage());
        }
    }

    /** Stop-with-savepoint; returns the trigger id to poll. */
    public String stopWithSavepoint(String jobId, String targetDirectory) {
        ObjectNode body = JSON.createObjectNode().put("drain", false);
        if (targetDirectory != null) {
            body.put("targetDirectory", targetDirectory);
        }
        return post("/jobs/" + jobId + "/stop", body, "stopping job " + jobId + " with a savepoint")
                .path("request-id")
                .asText();
    }

    /** The savepoint's location once done; empty while in progress; a StackException with the cause if it failed. */
    public Optional<String> savepointResult(String jobId, String triggerId) {
        JsonNode answer = get("/jobs/" + jobId + "/savepoints/" + triggerId);
        if (!answer.path("status").path("id").asText().equals("COMPLETED")) {
            return Optional.empty();
        }
        JsonNode operation = answer.path("operation");
        if (operation.has("failure-cause")) {
            String cause = operation.path("failure-cause").path("class").asText("") + ": "
                    + firstLine(
                            operation.path("failure-cause").path("stack-trace").asText(""));
            throw new StackException(
                    "the savepoint of job " + jobId + " failed (" + cause.strip() + "); the job keeps running");
        }
        return Optional.of(operation.path("location").asText());
    }

    /** Triggers a checkpoint now rather than at the next interval (Flink 1.17+); returns the trigger id. */
    public String triggerCheckpoint(String jobId) {
        return post(
                        "/jobs/" + jobId + "/checkpoints",
                        JSON.createObjectNode(),
                        "triggering a checkpoint of job " + jobId)
                .path("request-id")
                .asText();
    }

    public void cancel(String jobId) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/jobs/" + jobId + "?mode=cancel"))
                .timeout(Duration.ofSeconds(30))
                .method("PATCH", HttpRequest.BodyPublishers.noBody())
                .build();
        send(request, "cancelling job " + jobId);
    }

    /** A metric of a job's first vertex (the source), summed over its subtasks; empty when not reported. */
    public Optional<Double> sourceMetricSum(String jobId, String metric) {
        JsonNode vertices = get("/jobs/" + jobId).path("vertices");
        if (!vertices.isArray() || vertices.isEmpty()) {
            return Optional.empty();
        }
        String subtaskMetrics =
                "/jobs/" + jobId + "/vertices/" + vertices.get(0).path("id").asText() + "/subtasks/metrics";
        // The source operator's own metric ("Source__<name>.<metric>"): the vertex-level one counts
        // what leaves the whole chain, which behind chained pre-aggregation is a few sums per second.
        String operatorMetric = null;
        for (JsonNode listed : get(subtaskMetrics)) {
            String id = listed.path("id").asText();
            if (id.startsWith("Source__") && id.endsWith("." + metric)) {
                operatorMetric = id;
                break;
            }
        }
        if (operatorMetric == null) {
            return Optional.empty();
        }
        JsonNode values = get(subtaskMetrics + "?get="
                + java.net.URLEncoder.encode(operatorMetric, java.nio.charset.StandardCharsets.UTF_8) + "&agg=sum");
        for (JsonNode value : values) {
            if (value.path("id").asText().equals(operatorMetric) && value.has("sum")) {
                return Optional.of(value.path("sum").asDouble());
            }
        }
        return Optional.empty();
    }

    /**
     * The next offset the job's Kafka source will read in each partition: its
     * {@code KafkaSourceReader...currentOffset} metric is the offset of the last record it emitted,
     * live rather than at checkpoints (REST refreshes it every few seconds); a partition the source
     * has not read from since it started is absent.
     */
    public Map<Integer, Long> sourcePositions(String jobId, String topic) {
        Map<Integer, Long> offsets = new java.util.TreeMap<>();
        JsonNode vertices = get("/jobs/" + jobId).path("vertices");
        if (!vertices.isArray() || vertices.isEmpty()) {
            return offsets;
        }
        String metrics =
                "/jobs/" + jobId + "/vertices/" + vertices.get(0).path("id").asText() + "/subtasks/metrics";
        java.util.regex.Pattern name = java.util.regex.Pattern.compile(".*KafkaSourceReader\\.topic\\."
                + java.util.regex.Pattern.quote(topic) + "\\.partition\\.(\\d+)\\.currentOffset$");
        List<String> ids = new ArrayList<>();
        for (JsonNode metric : get(metrics)) {
            if (name.matcher(metric.path("id").asText()).matches()) {
                ids.add(metric.path("id").asText());
            }
        }
        if (ids.isEmpty()) {
            return offsets;
        }
        for (JsonNode value : get(metrics + "?agg=max&get=" + String.join(",", ids))) {
            java.util.regex.Matcher m = name.matcher(value.path("id").asText());
            // a partition assigned but not read yet reports -1
            if (m.matches() && value.has("max") && value.path("max").asDouble() >= 0) {
                offsets.put(
                        Integer.parseInt(m.group(1)), (long) value.path("max").asDouble() + 1);
            }
        }
        return offsets;
    }

    /**
     * A job's metric whose name ends with {@code suffix} (custom metrics carry operator prefixes),
     * summed over the subtasks of the first vertex that reports it; empty when none does yet.
     */
    public Optional<Double> metricSum(String jobId, String suffix) {
        for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
            String metrics = "/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/subtasks/metrics";
            for (JsonNode metric : get(metrics)) {
                String id = metric.path("id").asText();
                if (id.endsWith(suffix)) {
                    for (JsonNode value : get(metrics + "?agg=sum&get=" + id)) {
                        if (value.has("sum")) {
                            return Optional.of(value.path("sum").asDouble());
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The job's tasks, or a {@link StackException} when the cluster does not know the job. */
    public Tasks tasks(String jobId) {
        return findTasks(jobId)
                .orElseThrow(() -> new StackException("job " + jobId + " is not known to the cluster at " + base));
    }

    /** The job's tasks, none when the cluster does not know the job (yet, or any more). */
    public Optional<Tasks> findTasks(String jobId) {
        return tasks(get("/jobs/overview"), jobId);
    }

    public static Optional<Tasks> tasks(JsonNode overview, String jobId) {
        for (JsonNode job : overview.path("jobs")) {
            if (job.path("jid").asText().equals(jobId)) {
                JsonNode tasks = job.path("tasks");
                return Optional.of(new Tasks(
                        job.path("state").asText(),
                        tasks.path("running").asInt(),
                        tasks.path("total").asInt()));
            }
        }
        return Optional.empty();
    }

    /** Until every subtask of the job runs; a job that ends meanwhile fails with its root cause. */
    public void awaitAllTasksRunning(String jobId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Tasks tasks = findTasks(jobId).orElse(new Tasks("SUBMITTED", 0, 0));
            if (tasks.allRunning()) {
                return;
            }
            if (tasks.ended()) {
                throw new StackException("job " + jobId + " ended as " + tasks.state() + ": " + jobRootCause(jobId));
            }
            if (System.nanoTime() > deadline) {
                throw new StackException("job " + jobId + " still has " + tasks.running() + " of " + tasks.total()
                        + " tasks running after " + timeout.toSeconds() + " s (free slots? see " + base + ")");
            }
            Pause.millis(200);
        }
    }

    /** The root cause of the job's failure, as one line. */
    String jobRootCause(String jobId) {
        try {
            String trace =
                    get("/jobs/" + jobId + "/exceptions").path("root-exception").asText("");
            return trace.isBlank() ? "no exception recorded" : rootCause(trace);
        } catch (StackException e) {
            return e.getMessage();
        }
    }

    public JsonNode get(String path) {
        return send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                "GET " + path);
    }

    private JsonNode post(String path, JsonNode body, String what) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        return send(request, what);
    }

    private JsonNode send(HttpRequest request, String what) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new StackException("no Flink cluster answers at " + base
                    + " (start one with ./stack up, or pass --flink-rest / FLINK_REST)");
        } catch (IOException e) {
            throw new StackException(
                    "the Flink cluster at " + base + " did not answer " + what + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while " + what);
        }
        JsonNode json;
        try {
            json = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new StackException("the Flink cluster at " + base + " answered " + what
                    + " with something other than JSON (HTTP " + response.statusCode() + ")");
        }
        if (response.statusCode() >= 400) {
            throw StackException.withDetail(
                    what + " failed (HTTP " + response.statusCode() + "): " + reason(json), json.toPrettyString());
        }
        return json;
    }

    /** The one line an error answer comes down to: the root cause of each of its {@code errors}. */
    static String reason(JsonNode answer) {
        JsonNode errors = answer.path("errors");
        if (!errors.isArray() || errors.isEmpty()) {
            return answer.toString();
        }
        List<String> reasons = new ArrayList<>();
        for (JsonNode error : errors) {
            String cause = rootCause(error.asText());
            if (!cause.isBlank() && !reasons.contains(cause)) {
                reasons.add(cause);
            }
        }
        return String.join("; ", reasons);
    }

    /**
     * The innermost cause of a stack trace as Flink sends it (its last {@code Caused by:} line, else
     * its first line), without the exception's package; a setting the job refused is its message alone.
     */
    public static String rootCause(String trace) {
        String line = trace.lines()
                .filter(l -> l.startsWith("Caused by: "))
                .reduce((first, last) -> last)
                .map(l -> l.substring("Caused by: ".length()))
                .orElse(firstLine(trace))
                .strip();
        int colon = line.indexOf(": ");
        String type = colon < 0 ? line : line.substring(0, colon);
        if (!type.matches("[\\w$.]+")) {
            return line;
        }
        if (type.equals(JOB_SETTING_ERROR)) {
            return line.substring(colon + 2);
        }
        return line.substring(type.lastIndexOf('.') + 1);
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    private static String textOrNull(JsonNode node) {
        return node.isMissingNode() || node.isNull() || node.asText().isEmpty() ? null : node.asText();
    }
}
