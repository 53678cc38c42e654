package io.salespipeline.stack.clients;

import io.salespipeline.stack.StackException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

/**
 * Quoting secrets for the places they are written besides a JAAS configuration ({@code SaslLogin}):
 * a CQL literal, a Java properties file; and writing files only their owner can read.
 */
public final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {}

    /** A CQL string literal. */
    public static String cqlString(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** A case-sensitive CQL name (a role): double-quoted, so {@code Alice} stays {@code Alice}. */
    public static String cqlName(String value) {
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }

    /**
     * One {@code key=value} line of a {@code .properties} file as {@link Properties#load(java.io.InputStream)}
     * (ISO-8859-1, what the Kafka broker uses) reads it back exactly: backslashes, separators and
     * characters beyond Latin-1 escaped.
     */
    public static String propertiesLine(String key, String value) {
        Properties one = new Properties();
        one.setProperty(key, value);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            one.store(bytes, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new String(bytes.toByteArray(), StandardCharsets.ISO_8859_1)
                .lines()
                .filter(l -> !l.startsWith("#"))
                .findFirst()
                .orElseThrow();
    }

    /**
     * Writes a file readable and writable by its owner only (mode 600), never visible to others for
     * a moment: the text goes into a new owner-only file that then replaces the target.
     */
    public static void writeOwnerOnly(Path file, String text) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(
                        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (FileAlreadyExistsException e) {
                throw new StackException("cannot write " + file + ": " + tmp + " appeared while writing it");
            }
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** 32 random bytes, URL-safe base64: a password nobody needs to know. */
    public static String randomPassword() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
