package io.salespipeline.job.it;

import io.salespipeline.job.records.SaleEvent;
import io.salespipeline.job.records.TopItemsRank;
import io.salespipeline.job.records.WindowAggregate;
import io.salespipeline.job.sinks.ViewSinks;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The real view sinks with a failure injected in front of {@code store_sales_per_minute}: a map
 * that throws once, the first time {@link FailOnce#failAfterRecords} records have passed it while
 * armed and after at least one checkpoint completed. Flags are static: the MiniCluster runs the
 * job in the test's JVM, and they must survive the restart of the task.
 */
final class FailingViewSinks implements ViewSinks {

    static final String UID = "it-injected-failure";

    private final ViewSinks delegate;

    FailingViewSinks(ViewSinks delegate) {
        this.delegate = delegate;
    }

    @Override
    public void itemSales(DataStream<SaleEvent> events) {
        delegate.itemSales(events);
    }

    @Override
    public void salesByStoreDay(DataStream<SaleEvent> events) {
        delegate.salesByStoreDay(events);
    }

    @Override
    public void storeSalesPerMinute(DataStream<WindowAggregate> windows) {
        delegate.storeSalesPerMinute(windows.map(new FailOnce(), TypeInformation.of(WindowAggregate.class))
                .uid(UID)
                .name("Injected failure (once)"));
    }

    @Override
    public void itemSalesPerHour(DataStream<WindowAggregate> windows) {
        delegate.itemSalesPerHour(windows);
    }

    @Override
    public void topItemsPerStoreHour(DataStream<TopItemsRank> ranks) {
        delegate.topItemsPerStoreHour(ranks);
    }

    @Override
    public void regionSalesPerHour(DataStream<WindowAggregate> windows) {
        delegate.regionSalesPerHour(windows);
    }

    /** Passes records through; throws {@link InjectedFailure} exactly once in the JVM. */
    static final class FailOnce extends RichMapFunction<WindowAggregate, WindowAggregate>
            implements CheckpointListener {

        private static final long serialVersionUID = 1L;

        static final String MESSAGE = "injected failure: the test's FailOnce map throws once";

        /** Set by the test when counting may start. */
        static final AtomicBoolean ARMED = new AtomicBoolean();
        /** Set once any instance of this function saw a checkpoint complete. */
        static final AtomicBoolean CHECKPOINT_COMPLETED = new AtomicBoolean();
        /** The id of the latest checkpoint any instance was notified of. */
        static final AtomicLong LATEST_CHECKPOINT = new AtomicLong();
        /** Records passed while armed and after a completed checkpoint, all subtasks together. */
        static final AtomicLong PASSED = new AtomicLong();

        static final AtomicBoolean FAILED = new AtomicBoolean();
        /** The highest task attempt number that opened this function: 0 until the job restarted. */
        static final AtomicInteger MAX_ATTEMPT = new AtomicInteger(-1);

        static volatile long failAfterRecords = Long.MAX_VALUE;

        static void reset(long failAfter) {
            ARMED.set(false);
            CHECKPOINT_COMPLETED.set(false);
            LATEST_CHECKPOINT.set(0);
            PASSED.set(0);
            FAILED.set(false);
            MAX_ATTEMPT.set(-1);
            failAfterRecords = failAfter;
        }

        @Override
        public void open(OpenContext openContext) {
            MAX_ATTEMPT.accumulateAndGet(getRuntimeContext().getTaskInfo().getAttemptNumber(), Math::max);
        }

        @Override
        public WindowAggregate map(WindowAggregate value) {
            if (ARMED.get()
                    && CHECKPOINT_COMPLETED.get()
                    && PASSED.incrementAndGet() >= failAfterRecords
                    && FAILED.compareAndSet(false, true)) {
                throw new InjectedFailure(MESSAGE + " (after " + PASSED.get() + " records, at " + value + ")");
            }
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            LATEST_CHECKPOINT.accumulateAndGet(checkpointId, Math::max);
            CHECKPOINT_COMPLETED.set(true);
        }
    }

    static final class InjectedFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedFailure(String message) {
            super(message);
        }
    }
}
