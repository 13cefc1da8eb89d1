package io.tgharvester.config;

/**
 * One key's effective value, the layer that set it, and where in that layer: a file's path, an environment variable's
 * name, or {@code --set}.
 */
public record ConfiguredValue(String key, String value, ConfigSource source, String origin) {
}
