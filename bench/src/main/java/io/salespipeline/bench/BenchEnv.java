package io.salespipeline.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import io.salespipeline.contract.JobSetting;
import io.salespipeline.contract.Topic;
import io.salespipeline.contract.ViewSchema;
import io.salespipeline.stack.StackException;
import io.salespipeline.stack.clients.Clients;
import io.salespipeline.stack.clients.CqlScripts;
import io.salespipeline.stack.clients.FlinkRest;
import io.salespipeline.stack.clients.LogPositions;
import io.salespipeline.stack.local.JobJar;
import io.salespipeline.stack.local.StackLayout;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;

/**
 * The services one bench run uses and everything it creates on them: topics and keyspaces named
 * after the run ({@code bench_<time>...}) so a run never touches the pipeline's own
 * {@code item_sales} or {@code sales_vN}, and so they can all be removed at the end.
 */
final class BenchEnv implements AutoCloseable {

    final String runId;
    final String kafkaBootstrap;
    final String cassandraContact;
    final FlinkRest flink;
    final LogPositions log;
    final CqlSession session;
    /** The stack's running processes by name, for what each spends during a timed run. */
    final Supplier<Map<String, ProcessHandle>> stackProcesses;

    private final Admin admin;
    private final Path cqlDir;
    private final Path jar;
    private final BenchOptions options;
    private final PrintStream out;
    private final List<String> topics = new ArrayList<>();
    /** Made and not dropped yet. */
    private final List<String> keyspaces = new ArrayList<>();

    private final List<String> droppedKeyspaces = new ArrayList<>();
    private final List<Path> checkpoints = new ArrayList<>();
    /**
     * Jobs started and not yet cancelled, newest first: cancelled by {@link #close} if a step fails or the run is
     * interrupted.
     */
    private final Deque<PipelineJob> jobs = new ArrayDeque<>();

    private final AtomicBoolean closed = new AtomicBoolean();
    private String jarId;

    BenchEnv(
            String runId,
            String kafkaBootstrap,
            String cassandraContact,
            String flinkRest,
            Path repoRoot,
            Path cqlDir,
            BenchOptions options,
            PrintStream out,
            Supplier<Map<String, ProcessHandle>> stackProcesses) {
        this.runId = runId;
        this.stackProcesses = stackProcesses;
        this.kafkaBootstrap = kafkaBootstrap;
        this.cassandraContact = cassandraContact;
        this.cqlDir = cqlDir;
        this.options = options;
        this.out = out;
        this.jar = JobJar.resolve(
                repoRoot, options.jar() == null ? null : options.jar().toString());
        this.flink = new FlinkRest(flinkRest);
        flink.jobs();
        this.session = Clients.cqlSession(cassandraContact, "is the stack up? ./stack status");
        this.admin = Clients.kafkaAdmin(kafkaBootstrap);
        this.log = new LogPositions(kafkaBootstrap);
    }

    /** A topic kept forever (retention -1), like the pipeline's log; deleted at the end unless --keep. */
    String createTopic(String name, int partitions, Topic role) {
        NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(role.configs());
        await(admin.createTopics(List.of(topic)).all(), "creating topic " + name);
        topics.add(name);
        return name;
    }

    /**
     * A keyspace with every view table, exactly as the job's own versions get them; dropped at the end unless --keep.
     */
    String createKeyspace(String name) {
        CqlScripts.applyDirectory(session, cqlDir, name, ViewSchema.PLAIN);
        keyspaces.add(name);
        return name;
    }

    /**
     * Submits the pipeline job reading {@code topic} from its first offset into {@code keyspace},
     * with a consumer group and transactional ids of its own, and waits until all its tasks run.
     */
    PipelineJob startJob(String topic, String keyspace, List<String> settings) {
        if (jarId == null) {
            jarId = flink.uploadJar(jar);
        }
        List<String> args = new JobSetting.Arguments()
                .set(JobSetting.KAFKA_BOOTSTRAP, kafkaBootstrap)
                .set(JobSetting.CASSANDRA_CONTACT, cassandraContact)
                .set(JobSetting.KAFKA_TOPIC, topic)
                .set(JobSetting.KAFKA_DLQ_TOPIC, runId + "_dlq")
                .set(JobSetting.KAFKA_LATE_TOPIC, runId + "_late")
                .set(JobSetting.VIEW_KEYSPACE, keyspace)
                .set(JobSetting.KAFKA_GROUP_ID, keyspace)
                .set(JobSetting.KAFKA_STARTING_OFFSETS, "earliest")
                .addAll(settings)
                .addAll(options.jobArgs())
                .toList();
        long submitted = System.currentTimeMillis();
        PipelineJob job = new PipelineJob(
                flink, flink.runJar(jarId, args, options.parallelism(), null, options.flinkConfiguration()), submitted);
        jobs.push(job);
        job.awaitAllRunning(Duration.ofMinutes(2));
        return job;
    }

    /** Cancels a job and waits until its slots are free for the next one. */
    void stop(PipelineJob job) {
        jobs.remove(job);
        cancel(job);
    }

    /**
     * Its checkpoints, retained on cancellation like every job's on this cluster, belong to the run:
     * removed at the end with the topics, unless --keep. Looked up once the job has ended, so the
     * last one taken is known; Flink still answers for a finished job.
     */
    private void cancel(PipelineJob job) {
        job.cancel();
        try {
            job.localCheckpointDirectory().ifPresent(checkpoints::add);
        } catch (StackException e) {
            out.println("bench: could not look up the checkpoints of job " + job.id + " (left in place): "
                    + e.getMessage());
        }
    }

    /**
     * As many as the stack's own dead-letter and late topics have: a poisoned replay writes tens of thousands a second.
     */
    private static final int SIDE_TOPIC_PARTITIONS = 4;

    /** The dead-letter and late topics every bench job writes (nothing arrives there from clean events). */
    void createSideTopics() {
        createTopic(runId + "_dlq", SIDE_TOPIC_PARTITIONS, Topic.DEAD_LETTERS);
        createTopic(runId + "_late", SIDE_TOPIC_PARTITIONS, Topic.LATE_EVENTS);
    }

    long totalEvents(String topic) {
        Map<Integer, Long> end = log.endOffsets(topic);
        Map<Integer, Long> start = log.startOffsets(topic);
        return end.entrySet().stream()
                .mapToLong(e -> e.getValue() - start.getOrDefault(e.getKey(), 0L))
                .sum();
    }

    Path jar() {
        return jar;
    }

    /**
     * Drops the keyspaces made so far once no job writes to them (unless --keep): compacting a
     * finished step's tens of millions of rows would otherwise take Cassandra's share of the CPU
     * from the steps after it (a poisoned aggregates replay saw Cassandra spend twice what its
     * clean counterpart did, while writing as little).
     */
    void releaseKeyspaces() {
        if (!options.keep() && jobs.isEmpty()) {
            dropKeyspaces();
        }
    }

    /** A keyspace a busy node will not drop in time stays on the list: the run goes on, and the end tries again. */
    private void dropKeyspaces() {
        for (var it = keyspaces.iterator(); it.hasNext(); ) {
            String keyspace = it.next();
            try {
                session.execute("DROP KEYSPACE IF EXISTS " + keyspace);
                it.remove();
                droppedKeyspaces.add(keyspace);
            } catch (RuntimeException e) {
                out.println("bench: could not drop keyspace " + keyspace + " (" + e.getMessage() + ")");
            }
        }
    }

    /**
     * Cancels what still runs and deletes the jar upload; unless --keep, deletes the run's topics and drops its
     * keyspaces.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        while (!jobs.isEmpty()) {
            PipelineJob job = jobs.pop();
            try {
                cancel(job);
            } catch (StackException e) {
                out.println("bench: could not cancel job " + job.id + ": " + e.getMessage());
            }
        }
        try {
            if (options.keep()) {
                out.println("kept topics " + topics + ", keyspaces " + keyspaces + " and checkpoints " + checkpoints
                        + " (--keep)");
            } else {
                for (Path jobCheckpoints : checkpoints) {
                    StackLayout.deleteTree(jobCheckpoints);
                }
                if (!topics.isEmpty()) {
                    await(admin.deleteTopics(topics).all(), "deleting topics " + topics);
                }
                dropKeyspaces();
                out.println("removed topics " + topics + ", keyspaces " + droppedKeyspaces + " and the checkpoints of "
                        + checkpoints.size() + " jobs");
            }
        } catch (RuntimeException | IOException e) {
            out.println("bench: cleaning up failed: " + e.getMessage() + " (topics " + topics + ", keyspaces "
                    + keyspaces + ", checkpoints " + checkpoints + ")");
        } finally {
            if (jarId != null) {
                flink.deleteUpload(jarId, out);
            }
            log.close();
            admin.close(Duration.ofSeconds(2));
            session.close();
        }
    }

    private <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new StackException(
                    what + " failed at " + kafkaBootstrap + ": " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new StackException("no Kafka answers at " + kafkaBootstrap + " (" + what + " timed out)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while " + what);
        }
    }
}
