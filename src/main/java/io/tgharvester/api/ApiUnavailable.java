package io.tgharvester.api;

import java.time.Duration;
import java.util.Optional;

/** 5xx, timeouts, refused or reset connections: the server is unwell or unreachable; try again later. */
public final class ApiUnavailable extends ApiException {
    private final Optional<Duration> retryAfter;

    public ApiUnavailable(String message, Optional<Duration> retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    @Override
    public Optional<Duration> retryAfter() {
        return retryAfter;
    }
}
