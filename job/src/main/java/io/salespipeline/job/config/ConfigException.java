package io.salespipeline.job.config;

/** A setting that is unknown, missing or out of range; its message is the one line the user sees. */
public class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
