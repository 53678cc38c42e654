package io.salespipeline.stack.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.salespipeline.stack.StackException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FlinkRest#submit}: the upload goes whatever happens, and its removal never hides the job's own outcome. */
class FlinkRestSubmitTest {

    private static final String JAR_ID = "0a1b_job.jar";

    @TempDir
    Path dir;

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile int runStatus;
    private volatile int deleteStatus;
    private final ByteArrayOutputStream warningBytes = new ByteArrayOutputStream();
    private final PrintStream warnings = new PrintStream(warningBytes, true, StandardCharsets.UTF_8);

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jars", this::answer);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        String request =
                exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
        requests.add(request);
        if (request.equals("POST /jars/upload")) {
            reply(exchange, 200, "{\"filename\":\"/data/flink/uploads/" + JAR_ID + "\",\"status\":\"success\"}");
        } else if (request.equals("POST /jars/" + JAR_ID + "/run")) {
            reply(
                    exchange,
                    runStatus,
                    runStatus == 200
                            ? "{\"jobid\":\"job-1\"}"
                            : "{\"errors\":[\"sales-pipeline: --window.store must be positive, got 0s\"]}");
        } else if (request.equals("DELETE /jars/" + JAR_ID)) {
            reply(exchange, deleteStatus, deleteStatus == 200 ? "{}" : "{\"errors\":[\"Failed to delete jar\"]}");
        } else {
            reply(exchange, 404, "{\"errors\":[\"Not found\"]}");
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private String submit() throws IOException {
        Path jar = Files.write(dir.resolve("job.jar"), new byte[] {1, 2, 3});
        FlinkRest flink =
                new FlinkRest("http://127.0.0.1:" + server.getAddress().getPort());
        return flink.submit(jar, List.of("--view.version", "1"), 2, null, warnings);
    }

    private String warnings() {
        return warningBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aStartedJobLeavesNoUploadBehind() throws IOException {
        runStatus = 200;
        deleteStatus = 200;
        assertThat(submit()).isEqualTo("job-1");
        assertThat(requests)
                .containsExactly("POST /jars/upload", "POST /jars/" + JAR_ID + "/run", "DELETE /jars/" + JAR_ID);
        assertThat(warnings()).isEmpty();
    }

    @Test
    void anUploadThatCannotBeDeletedIsAWarningNotAFailedStart() throws IOException {
        runStatus = 200;
        deleteStatus = 500;
        assertThat(submit()).isEqualTo("job-1");
        assertThat(warnings())
                .contains("the uploaded job jar " + JAR_ID + " stays on the cluster", "Failed to delete jar");
    }

    @Test
    void theJobsOwnErrorSurvivesAFailedDelete() {
        runStatus = 400;
        deleteStatus = 500;
        assertThatThrownBy(this::submit)
                .isInstanceOf(StackException.class)
                .hasMessageContaining("starting the job failed (HTTP 400)")
                .hasMessageContaining("--window.store must be positive");
        assertThat(requests).contains("DELETE /jars/" + JAR_ID);
        assertThat(warnings()).contains("stays on the cluster");
    }
}
