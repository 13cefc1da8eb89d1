package io.tgharvester.config;

/** Configuration that cannot be used as given; the message says which key and what to write instead. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
