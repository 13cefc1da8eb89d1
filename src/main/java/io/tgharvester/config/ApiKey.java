package io.tgharvester.config;

import java.util.Objects;

/** The Threat Grid API key. Its {@link #toString()} never shows the value, so it cannot leak through logs by accident. */
public final class ApiKey implements ApiKeySource {
    private final String value;

    public ApiKey(String value) {
        Objects.requireNonNull(value, "value");
        if (value.isBlank()) {
            throw new IllegalArgumentException("the API key is empty");
        }
        this.value = value.trim();
    }

    /** The secret itself; only the HTTP layer that sends it should call this. */
    public String reveal() {
        return value;
    }

    @Override
    public ApiKey current() {
        return this;
    }

    @Override
    public String toString() {
        return "ApiKey[redacted]";
    }
}
