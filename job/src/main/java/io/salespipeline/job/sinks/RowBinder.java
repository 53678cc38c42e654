package io.salespipeline.job.sinks;

import com.datastax.driver.core.BoundStatement;
import com.datastax.driver.core.CodecRegistry;
import com.datastax.driver.core.PreparedStatement;
import com.datastax.driver.core.TypeCodec;
import org.apache.flink.api.java.tuple.Tuple;

/** Binds a view row's fields, in order, to its prepared upsert. */
final class RowBinder {

    private final PreparedStatement upsert;
    private final CodecRegistry codecRegistry;
    private final TypeCodec<Object>[] codecs;

    @SuppressWarnings("unchecked")
    RowBinder(PreparedStatement upsert, CodecRegistry codecRegistry) {
        this.upsert = upsert;
        this.codecRegistry = codecRegistry;
        this.codecs = new TypeCodec[upsert.getVariables().size()];
    }

    BoundStatement bind(Tuple row) {
        BoundStatement bound = upsert.bind();
        for (int i = 0; i < row.getArity(); i++) {
            Object value = row.getField(i);
            if (value == null) {
                bound.setToNull(i);
            } else {
                bound.set(i, value, codec(i, value));
            }
        }
        return bound;
    }

    /** Looked up once per column: the driver's lookup by value was a tenth of the sink's time. */
    @SuppressWarnings("unchecked")
    private TypeCodec<Object> codec(int column, Object value) {
        TypeCodec<Object> codec = codecs[column];
        if (codec == null) {
            codec = (TypeCodec<Object>)
                    codecRegistry.codecFor(upsert.getVariables().getType(column), value.getClass());
            codecs[column] = codec;
        }
        return codec;
    }
}
