package io.salespipeline.stack.local;

import io.salespipeline.stack.StackException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The job jar a command submits: the one given with {@code --jar}, else the newest build in {@code job/target}. */
public final class JobJar {

    /**
     * The shaded jar, not the plain classes or test classes the build attaches beside it ({@code -classes.jar}, {@code
     * -tests.jar}).
     */
    private static final Pattern SHADED_JAR = Pattern.compile("sales-pipeline-job-[0-9][0-9.]*(-SNAPSHOT)?\\.jar");

    private JobJar() {}

    /** @param option the {@code --jar} value, or null */
    public static Path resolve(Path repoRoot, String option) {
        if (option != null) {
            Path jar = Path.of(option);
            if (!Files.isRegularFile(jar)) {
                throw StackException.usage("--jar: no job jar at " + jar);
            }
            return jar;
        }
        Path target = repoRoot.resolve("job/target");
        try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
            return files.filter(
                            f -> SHADED_JAR.matcher(f.getFileName().toString()).matches())
                    .max(Comparator.comparing(f -> f.toFile().lastModified()))
                    .orElseThrow(() -> new StackException("no job jar in " + target
                            + ": build it with mvn -B -pl job -am package -DskipTests, or pass --jar"));
        } catch (IOException e) {
            throw new StackException("cannot list " + target + ": " + e.getMessage());
        }
    }
}
