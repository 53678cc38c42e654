package io.salespipeline.job.records;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonEncoding;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonGenerator;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

/** JSON plumbing shared by the records that are written to side topics. */
final class RecordJson {

    /** Thread-safe once configured; static, so it is never part of a serialized Flink function. */
    static final ObjectMapper MAPPER = new ObjectMapper();

    private RecordJson() {}

    interface Fields {
        void write(JsonGenerator json) throws IOException;
    }

    /** A UTF-8 JSON object holding what {@code fields} writes. */
    static byte[] object(Fields fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            fields.write(json);
            json.writeEndObject();
        } catch (IOException e) {
            // Only reachable through a Jackson bug: the target is memory.
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
