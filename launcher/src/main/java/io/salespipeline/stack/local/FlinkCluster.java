package io.salespipeline.stack.local;

import io.salespipeline.stack.StackException;
import io.salespipeline.stack.clients.Clients;
import io.salespipeline.stack.clients.Credentials;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Flink standalone session cluster (one JobManager with the web UI, {@code --taskmanagers}
 * TaskManagers, two by default) built from Maven Central jars, configured from {@code flink-conf/};
 * it stands in for the distribution's {@code bin/} scripts, which are not published there.
 *
 * <p>TaskManager {@code i} runs as process {@code flink-taskmanager-i} with the resource id
 * {@code taskmanager-i}, the id the web UI and REST show for it, so a TaskManager listed there can
 * be told apart from the others on this machine (and a restarted one takes its predecessor's place).
 */
public final class FlinkCluster extends LocalService {

    private static final Pattern TASK_MANAGERS = Pattern.compile("\"taskmanagers\"\\s*:\\s*(\\d+)");
    private static final Pattern SLOTS = Pattern.compile("\"slots-total\"\\s*:\\s*(\\d+)");
    private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";
    static final String TASK_MANAGER_RESOURCE_ID = "taskmanager-";
    /**
     * Pid files of TaskManagers this stack started; without a number, the single one of stacks before --taskmanagers.
     */
    private static final Pattern TASK_MANAGER_PID_FILE =
            Pattern.compile("(flink-taskmanager(?:-([0-9]+))?)" + Pattern.quote(StackLayout.PID_FILE_SUFFIX));

    private final ManagedProcess jobManager;
    private final List<ManagedProcess> taskManagers = new ArrayList<>();

    public FlinkCluster(StackLayout layout, StackSettings settings, Credentials credentials) {
        super(layout, settings, credentials);
        this.jobManager = new ManagedProcess("flink-jobmanager", layout);
        for (int i = 1; i <= settings.taskManagers(); i++) {
            taskManagers.add(new ManagedProcess(processOf(resourceId(i)), layout));
        }
    }

    private static String resourceId(int taskManager) {
        return TASK_MANAGER_RESOURCE_ID + taskManager;
    }

    /** The process name of the TaskManager with this resource id. */
    static String processOf(String resourceId) {
        return "flink-" + resourceId;
    }

    @Override
    String name() {
        return "flink";
    }

    @Override
    List<StackSettings.Setting> ports() {
        return List.of(StackSettings.Setting.FLINK_PORT, StackSettings.Setting.FLINK_RPC_PORT);
    }

    /**
     * The JobManager, the configured TaskManagers, and any further TaskManager still running from
     * an earlier {@code ./stack up --taskmanagers} with a higher count (so status shows it and down stops it).
     */
    @Override
    public List<ManagedProcess> processes() {
        List<ManagedProcess> all = new ArrayList<>();
        all.add(jobManager);
        all.addAll(taskManagers);
        try (var files = Files.list(layout.runDir())) {
            files.map(f -> TASK_MANAGER_PID_FILE.matcher(f.getFileName().toString()))
                    .filter(m ->
                            m.matches() && (m.group(2) == null || Integer.parseInt(m.group(2)) > taskManagers.size()))
                    .map(m -> new ManagedProcess(m.group(1), layout))
                    .filter(ManagedProcess::isRunning)
                    .forEach(all::add);
        } catch (IOException | java.io.UncheckedIOException e) {
            // no run directory yet: nothing was ever started
        }
        return all;
    }

    @Override
    String endpoint() {
        return settings.flinkRest();
    }

    Path confDir() {
        return layout.confDir(name());
    }

    @Override
    void startMissing() {
        if (allRunning()) {
            return;
        }
        FlinkConf conf = writeConfiguration();
        String classpath = layout.serverClasspath("flink");
        if (!jobManager.isRunning()) {
            startRole(
                    jobManager,
                    conf,
                    classpath,
                    memoryArgs(classpath, "GET_JM_RESOURCE_PARAMS"),
                    "env.java.opts.jobmanager",
                    "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                    List.of("--executionMode", "cluster"));
        }
        MemoryArgs taskManagerMemory = null;
        for (int i = 0; i < taskManagers.size(); i++) {
            ManagedProcess taskManager = taskManagers.get(i);
            if (!taskManager.isRunning()) {
                // the same for every TaskManager: computed once, by a JVM of its own
                taskManagerMemory =
                        taskManagerMemory != null ? taskManagerMemory : memoryArgs(classpath, "GET_TM_RESOURCE_PARAMS");
                startRole(
                        taskManager,
                        conf,
                        classpath,
                        taskManagerMemory,
                        "env.java.opts.taskmanager",
                        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                        List.of("-D", "taskmanager.resource-id=" + resourceId(i + 1)));
            }
        }
    }

    private void startRole(
            ManagedProcess process,
            FlinkConf conf,
            String classpath,
            MemoryArgs memory,
            String roleOptsKey,
            String mainClass,
            List<String> roleArgs) {
        List<String> jvm = new ArrayList<>(memory.jvm);
        jvm.addAll(javaOpts(conf, roleOptsKey));
        jvm.addAll(logArgs(process.name));
        List<String> program = new ArrayList<>(List.of("--configDir", confDir().toString()));
        program.addAll(roleArgs);
        program.addAll(memory.dynamic);
        process.start(new JavaCommand(jvm, classpath, mainClass, program), environment(), layout.home);
    }

    /**
     * The environment of the Flink processes and the CLI: secured, the logins the job reads on the
     * TaskManagers (and, for the Kafka source's enumerator and jobs submitted over REST, the
     * JobManager) and the protocol its settings fall back to. Never in config.yaml, never on a command line.
     */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("FLINK_CONF_DIR", confDir().toString());
        if (credentials != null) {
            env.putAll(credentials.flinkEnvironment());
        }
        return env;
    }

    /** flink-conf/ with the local cluster's addresses, ports and directories; returns the result. */
    FlinkConf writeConfiguration() {
        Path source = layout.flinkConfSource();
        Path target = confDir();
        Path data = dataDir();
        StackLayout.createDirectories(
                target,
                data.resolve("checkpoints"),
                data.resolve("savepoints"),
                data.resolve("tmp"),
                data.resolve("uploads"));
        String host = StackSettings.HOST;
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("jobmanager.rpc.address", host);
        overrides.put("jobmanager.rpc.port", Integer.toString(settings.port(StackSettings.Setting.FLINK_RPC_PORT)));
        overrides.put("jobmanager.bind-host", host);
        overrides.put("taskmanager.host", host);
        overrides.put("taskmanager.bind-host", host);
        overrides.put("rest.address", host);
        overrides.put("rest.bind-address", host);
        overrides.put("rest.port", Integer.toString(settings.port(StackSettings.Setting.FLINK_PORT)));
        overrides.put(
                "execution.checkpointing.dir",
                data.resolve("checkpoints").toUri().toString());
        overrides.put(
                "execution.checkpointing.savepoint-dir",
                data.resolve("savepoints").toUri().toString());
        overrides.put("io.tmp.dirs", data.resolve("tmp").toString());
        overrides.put("web.upload.dir", data.resolve("uploads").toString());
        // the Prometheus reporter binds every interface, and the local stack stays on loopback
        FlinkConf conf =
                FlinkConf.read(source.resolve("config.yaml")).with(overrides).without("metrics.reporter.prom.");
        conf.write(target.resolve("config.yaml"));
        try (var files = Files.list(source)) {
            for (Path file : files.filter(p -> p.getFileName().toString().startsWith("log4j"))
                    .toList()) {
                Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new StackException("cannot copy the log4j files of " + source + ": " + e.getMessage());
        }
        return conf;
    }

    /** The JVM options every Flink process gets (Java 17 module openings) plus the role's own. */
    public static List<String> javaOpts(FlinkConf conf, String roleKey) {
        List<String> opts = new ArrayList<>();
        for (String key : List.of("env.java.opts.all", roleKey)) {
            String value = conf.get(key);
            if (value != null && !value.isBlank()) {
                opts.addAll(Arrays.asList(value.strip().split("\\s+")));
            }
        }
        return opts;
    }

    private List<String> logArgs(String process) {
        Path log4j = confDir().resolve("log4j.properties");
        return List.of(
                "-Dlog.file=" + layout.logsDir().resolve(process + ".log"),
                "-Dlog4j.configuration=" + log4j.toUri(),
                "-Dlog4j.configurationFile=" + log4j.toUri());
    }

    private record MemoryArgs(List<String> jvm, List<String> dynamic) {}

    /**
     * Memory sizes computed exactly as Flink's start scripts do (BashJavaUtils): the TaskManager
     * refuses to start without them.
     */
    private MemoryArgs memoryArgs(String classpath, String command) {
        JavaCommand utils = new JavaCommand(
                List.of("-Xmx128m"),
                classpath,
                "org.apache.flink.runtime.util.bash.BashJavaUtils",
                List.of(command, "--configDir", confDir().toString()));
        String output;
        try {
            Process p = new ProcessBuilder(utils.toCommandLine())
                    .redirectErrorStream(true)
                    .start();
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new StackException(
                        "Flink could not compute its memory settings (" + command + "): " + lastLine(output));
            }
        } catch (IOException e) {
            throw new StackException("cannot run Flink's BashJavaUtils: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while computing Flink's memory settings");
        }
        List<String> results = output.lines()
                .filter(l -> l.startsWith(RESULT_PREFIX))
                .map(l -> l.substring(RESULT_PREFIX.length()).strip())
                .toList();
        if (results.size() < 2) {
            throw new StackException(
                    "Flink's memory settings came back incomplete (" + command + "): " + lastLine(output));
        }
        List<String> jvm = Arrays.asList(results.get(0).split("\\s+"));
        List<String> dynamic = Arrays.stream(results.get(results.size() - 1).split("\\s+"))
                .filter(s -> !s.isEmpty())
                .toList();
        return new MemoryArgs(jvm, dynamic);
    }

    private static String lastLine(String output) {
        List<String> lines = output.strip().lines().toList();
        return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
    }

    @Override
    Readiness probe() {
        try {
            HttpResponse<String> overview = Clients.httpGet(endpoint() + "/overview");
            if (overview.statusCode() != 200) {
                return Readiness.notYet("REST answers " + overview.statusCode());
            }
            Matcher tms = TASK_MANAGERS.matcher(overview.body());
            Matcher slots = SLOTS.matcher(overview.body());
            int taskManagers = tms.find() ? Integer.parseInt(tms.group(1)) : 0;
            int slotCount = slots.find() ? Integer.parseInt(slots.group(1)) : 0;
            int expected = this.taskManagers.size();
            if (taskManagers < expected) {
                return Readiness.notYet("REST up, " + taskManagers + " of " + expected + " TaskManagers registered");
            }
            return Readiness.ready(
                    taskManagers + (taskManagers == 1 ? " TaskManager, " : " TaskManagers, ") + slotCount + " slots");
        } catch (IOException | RuntimeException e) {
            return Readiness.notYet("REST not answering yet");
        }
    }

    /** Runs Flink's CLI ({@code bin/flink}) against this cluster in the foreground; returns its exit code. */
    public int runCli(List<String> arguments) {
        Path conf = confDir();
        if (!Files.isRegularFile(conf.resolve("config.yaml"))) {
            writeConfiguration();
        }
        FlinkConf flinkConf = FlinkConf.read(conf.resolve("config.yaml"));
        List<String> jvm = new ArrayList<>(javaOpts(flinkConf, "env.java.opts.client"));
        Path cliLog4j = conf.resolve("log4j-cli.properties");
        jvm.add("-Dlog.file=" + layout.logsDir().resolve("flink-client.log"));
        jvm.add("-Dlog4j.configurationFile=" + cliLog4j.toUri());
        JavaCommand cli = new JavaCommand(
                jvm, layout.serverClasspath("flink"), "org.apache.flink.client.cli.CliFrontend", arguments);
        ProcessBuilder builder = new ProcessBuilder(cli.toCommandLine()).inheritIO();
        builder.environment().putAll(environment());
        // a job submitted here runs its main() in this process: its endpoints default to this stack's
        Map<String, String> cliEnv = builder.environment();
        cliEnv.compute("KAFKA_BOOTSTRAP", (k, v) -> v == null || v.isBlank() ? settings.kafkaBootstrap() : v);
        cliEnv.compute("CASSANDRA_CONTACT", (k, v) -> v == null || v.isBlank() ? settings.cassandraContact() : v);
        StackLayout.createDirectories(layout.logsDir());
        try {
            return builder.start().waitFor();
        } catch (IOException e) {
            throw new StackException("cannot run the Flink CLI: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }
}
