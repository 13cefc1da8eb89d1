package io.tgharvester.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One Threat Grid organization or cloud the harvester collects from: {@code default} for tg.api-key/tg.base-url,
 * or a named connection ({@code tg.connections.<alias>.*}). Each is harvested on its own schedule with its own
 * client, into the same database, where its samples carry its alias.
 *
 * @param keyName the configuration key that holds this connection's API key, for messages that say what to fix
 */
public record ConnectionConfig(
        String alias,
        URI baseUrl,
        Optional<ApiKeySource> apiKey,
        HarvesterConfig.AuthMode authMode,
        ProxyRoute proxy,
        Optional<Path> caFile,
        List<String> pinsSha256,
        boolean enabled,
        String keyName) {
    /** The alias of the connection tg.api-key and tg.base-url describe. */
    public static final String DEFAULT = "default";

    public ConnectionConfig {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(baseUrl, "baseUrl");
        pinsSha256 = List.copyOf(pinsSha256);
    }

    /**
     * The name of one of a connection's stages in logs and job_runs: {@code fetch:eu} for the connection eu, the
     * plain stage name for the default connection.
     */
    public static String stageName(String stage, String alias) {
        return alias.equals(DEFAULT) ? stage : stage + ":" + alias;
    }

    /** The key, or a clear error naming the keys to set. */
    public ApiKeySource requireApiKey() {
        return apiKey.orElseThrow(() -> new ConfigException(alias.equals(DEFAULT)
                ? "no API key: set TG_API_KEY, tg.api-key-file, or tg.api-key in conf/harvester.properties"
                : "connection " + alias + " has no API key: set " + keyName + " or " + keyName + "-file"));
    }
}
