package io.salespipeline.job.functions;

import java.io.IOException;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * Whether a window's emission is final: once the watermark has reached the window's last
 * millisecond, and ever after for that window. The window remembers that it emitted a final row in
 * per-window state, checkpointed with its contents: after a restore the operator's watermark starts
 * again from nothing, and a replayed partial would otherwise be emitted as early, taking a final
 * row back to {@code final = false}.
 */
final class WindowFinality {

    private static final ValueStateDescriptor<Boolean> EMITTED_FINAL =
            new ValueStateDescriptor<>("emitted-final", Types.BOOLEAN);

    private WindowFinality() {}

    static boolean isFinal(ProcessWindowFunction<?, ?, ?, TimeWindow>.Context context) throws IOException {
        ValueState<Boolean> emittedFinal = context.windowState().getState(EMITTED_FINAL);
        if (Boolean.TRUE.equals(emittedFinal.value())) {
            return true;
        }
        if (context.currentWatermark() >= context.window().maxTimestamp()) {
            emittedFinal.update(true);
            return true;
        }
        return false;
    }

    /** For {@link ProcessWindowFunction#clear}: the window is purged, and its memory with it. */
    static void forget(ProcessWindowFunction<?, ?, ?, TimeWindow>.Context context) {
        context.windowState().getState(EMITTED_FINAL).clear();
    }
}
