package io.tgharvester.api;

import java.time.Duration;
import java.util.Optional;

/**
 * A Threat Grid call that did not give a usable answer. Each subtype is a failure the caller acts on differently.
 * Messages name the endpoint path only, never the query string, so the API key cannot appear in them.
 */
public abstract sealed class ApiException extends RuntimeException
        permits AuthenticationFailed, RateLimited, ApiUnavailable, MalformedResponse, RequestRejected,
        ServerNotTrusted, ProxyRefused {
    protected ApiException(String message) {
        super(message);
    }

    /** How long the server asked to wait before the next call (Retry-After), if it did. */
    public Optional<Duration> retryAfter() {
        return Optional.empty();
    }
}
