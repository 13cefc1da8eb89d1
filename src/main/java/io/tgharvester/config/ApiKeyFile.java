package io.tgharvester.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/**
 * The key kept in {@code tg.api-key-file} (or a connection's {@code api-key-file}), read again whenever the file changes, so an operator who replaces a
 * refused key in the file sees the daemon resume at its next retry, without a restart.
 */
final class ApiKeyFile implements ApiKeySource {
    private final String keyName;
    private final Path file;
    private FileTime readAt;
    private ApiKey key;

    /** Reads the file once now, so a missing or empty file is a configuration error at start. */
    ApiKeyFile(String keyName, Path file) {
        this.keyName = keyName;
        this.file = file;
        current();
    }

    @Override
    public synchronized ApiKey current() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (!modified.equals(readAt)) {
                key = new ApiKey(Files.readString(file, StandardCharsets.UTF_8));
                readAt = modified;
            }
            return key;
        } catch (IOException | IllegalArgumentException e) {
            if (key == null) {
                throw new ConfigException("cannot read the API key from " + keyName + " " + file + ": "
                        + e.getMessage());
            }
            return key; // a file being rewritten right now: keep the last key until it is whole again
        }
    }
}
