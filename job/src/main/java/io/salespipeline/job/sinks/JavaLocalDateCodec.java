package io.salespipeline.job.sinks;

import com.datastax.driver.core.DataType;
import com.datastax.driver.core.LocalDate;
import com.datastax.driver.core.ProtocolVersion;
import com.datastax.driver.core.TypeCodec;
import java.nio.ByteBuffer;

/**
 * CQL {@code date} as {@link java.time.LocalDate}. Rows travel to the sink as Flink tuples, and
 * java.time.LocalDate has a Flink serializer while the driver's own LocalDate would need Kryo.
 */
final class JavaLocalDateCodec extends TypeCodec<java.time.LocalDate> {

    static final JavaLocalDateCodec INSTANCE = new JavaLocalDateCodec();

    private JavaLocalDateCodec() {
        super(DataType.date(), java.time.LocalDate.class);
    }

    @Override
    public ByteBuffer serialize(java.time.LocalDate value, ProtocolVersion protocolVersion) {
        return value == null
                ? null
                : TypeCodec.date()
                        .serialize(LocalDate.fromDaysSinceEpoch(Math.toIntExact(value.toEpochDay())), protocolVersion);
    }

    @Override
    public java.time.LocalDate deserialize(ByteBuffer bytes, ProtocolVersion protocolVersion) {
        LocalDate date = TypeCodec.date().deserialize(bytes, protocolVersion);
        return date == null ? null : java.time.LocalDate.ofEpochDay(date.getDaysSinceEpoch());
    }

    @Override
    public java.time.LocalDate parse(String value) {
        LocalDate date = TypeCodec.date().parse(value);
        return date == null ? null : java.time.LocalDate.ofEpochDay(date.getDaysSinceEpoch());
    }

    @Override
    public String format(java.time.LocalDate value) {
        return value == null
                ? "NULL"
                : TypeCodec.date().format(LocalDate.fromDaysSinceEpoch(Math.toIntExact(value.toEpochDay())));
    }
}
