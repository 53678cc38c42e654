package io.salespipeline.stack.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.salespipeline.stack.StackException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeptJarsTest {

    @TempDir
    Path dir;

    @Test
    void aJarIsKeptOnceUnderItsSha256WithItsBuildTime() throws Exception {
        Path build = Files.writeString(dir.resolve("job.jar"), "abc", StandardCharsets.UTF_8);
        Instant built = Instant.parse("2026-11-30T08:15:00Z");
        Files.setLastModifiedTime(build, FileTime.from(built));
        KeptJars jars = new KeptJars(dir.resolve("jars"));

        KeptJars.KeptJar kept = jars.keep(build);

        // the SHA-256 test vector of "abc" (FIPS 180-2)
        assertThat(kept.sha256()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(kept.shortHash()).isEqualTo("ba7816bf8f01");
        assertThat(kept.path())
                .isEqualTo(dir.resolve("jars").resolve(kept.sha256() + ".jar"))
                .hasContent("abc");
        assertThat(kept.builtAt()).isEqualTo(built);
        // the build directory moves on; the version's jar stays
        Files.writeString(build, "abd", StandardCharsets.UTF_8);
        assertThat(jars.find(1, kept.sha256())).isEqualTo(kept);
        assertThat(jars.keep(build).sha256()).isNotEqualTo(kept.sha256());
        try (var files = Files.list(dir.resolve("jars"))) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .as("one file per content, no partial copy left")
                    .hasSize(2)
                    .allMatch(name -> name.matches("[0-9a-f]{64}\\.jar"));
        }
    }

    @Test
    void aVersionWhoseJarIsNotKeptHereIsOneLineNamingTheWayOut() {
        KeptJars jars = new KeptJars(dir.resolve("jars"));

        assertThatThrownBy(() -> jars.find(3, "0123456789abcdef".repeat(4)))
                .isInstanceOf(StackException.class)
                .hasMessage("version 3 was deployed with jar 0123456789ab, which is not kept in " + dir.resolve("jars")
                        + " (another STACK_HOME?): pass --jar");
    }
}
