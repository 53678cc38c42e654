package io.salespipeline.stack.replay;

import io.salespipeline.stack.StackException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The job jars view versions were deployed with, kept under their SHA-256 so that a version's
 * restart (resume, rollback, a savepoint restart without {@code --jar}) runs the code it was built
 * with, not whatever the build directory holds today.
 */
final class KeptJars {

    /** A kept jar: its content's SHA-256 (hex), when it was built (the file's time), and where it is kept. */
    record KeptJar(String sha256, Instant builtAt, Path path) {
        String shortHash() {
            return sha256.substring(0, 12);
        }
    }

    private final Path dir;

    KeptJars(Path dir) {
        this.dir = dir;
    }

    /** Keeps a copy of {@code jar} (once per content) and returns it. */
    KeptJar keep(Path jar) {
        String sha256 = sha256(jar);
        Path kept = dir.resolve(sha256 + ".jar");
        try {
            if (!Files.exists(kept)) {
                Files.createDirectories(dir);
                Path partial = Files.createTempFile(dir, sha256, ".partial");
                Files.copy(jar, partial, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                Files.move(partial, kept, StandardCopyOption.ATOMIC_MOVE);
            }
            return new KeptJar(sha256, Files.getLastModifiedTime(kept).toInstant(), kept);
        } catch (IOException e) {
            throw new StackException("cannot keep the job jar " + jar + " in " + dir + ": " + e.getMessage());
        }
    }

    /** The kept jar of this hash, recorded for {@code version}. */
    KeptJar find(int version, String sha256) {
        Path kept = dir.resolve(sha256 + ".jar");
        if (!Files.isRegularFile(kept)) {
            throw new StackException("version " + version + " was deployed with jar " + sha256.substring(0, 12)
                    + ", which is not kept in " + dir + " (another STACK_HOME?): pass --jar");
        }
        try {
            return new KeptJar(sha256, Files.getLastModifiedTime(kept).toInstant(), kept);
        } catch (IOException e) {
            throw new StackException("cannot read " + kept + ": " + e.getMessage());
        }
    }

    static String sha256(Path file) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new StackException("cannot read the job jar " + file + ": " + e.getMessage());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
