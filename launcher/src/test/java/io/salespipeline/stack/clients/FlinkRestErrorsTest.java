package io.salespipeline.stack.clients;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** An error answer of Flink's REST API comes down to its root cause, in one line. */
class FlinkRestErrorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode resource(String name) throws IOException {
        try (InputStream in = FlinkRestErrorsTest.class.getResourceAsStream("/flink-rest/" + name)) {
            return JSON.readTree(in);
        }
    }

    @Test
    void aSettingTheJobRefusedIsItsOwnMessage() throws IOException {
        // the answer of a Flink 1.20 session cluster to /jars/:id/run with "--no.such 1"
        JsonNode answer = resource("jar-run-unknown-setting.json");
        assertThat(answer.path("errors").get(0).asText()).contains("Caused by: ", "The main method caused an error");
        assertThat(FlinkRest.reason(answer)).isEqualTo("unknown setting --no.such (see --help for the list)");
    }

    @Test
    void anyOtherRootCauseKeepsItsSimpleClassName() {
        String trace = "org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute "
                + "application.\n\tat a.b(C.java:1)\n"
                + "Caused by: org.apache.flink.client.program.ProgramInvocationException: The main "
                + "method caused an error: boom\n\tat x.y(Z.java:2)\n"
                + "Caused by: java.lang.IllegalStateException: the catalog topic is missing\n\tat " + "p.q(R.java:3)\n";
        assertThat(FlinkRest.rootCause(trace)).isEqualTo("IllegalStateException: the catalog topic is missing");
    }

    @Test
    void aTraceWithoutCausesIsItsFirstLineAndPlainTextStaysAsItIs() {
        assertThat(FlinkRest.rootCause(
                        "org.apache.flink.runtime.rest.NotFoundException: Job 42 not found\n\tat a.b(C.java:1)"))
                .isEqualTo("NotFoundException: Job 42 not found");
        assertThat(FlinkRest.rootCause("Internal server error.")).isEqualTo("Internal server error.");
        com.fasterxml.jackson.databind.node.ObjectNode answer = JSON.createObjectNode();
        answer.putArray("errors")
                .add("Not found: /jars/x")
                .add("Not found: /jars/x")
                .add("second: reason");
        assertThat(FlinkRest.reason(answer)).isEqualTo("Not found: /jars/x; second: reason");
    }
}
