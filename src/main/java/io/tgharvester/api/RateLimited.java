package io.tgharvester.api;

import java.time.Duration;
import java.util.Optional;

/** 429: too many calls; the server may say when to come back. */
public final class RateLimited extends ApiException {
    private final Optional<Duration> retryAfter;

    public RateLimited(String endpoint, Optional<Duration> retryAfter) {
        super("Threat Grid rate limit hit on " + endpoint
                + retryAfter.map(d -> "; retry after " + d.toSeconds() + "s").orElse(""));
        this.retryAfter = retryAfter;
    }

    @Override
    public Optional<Duration> retryAfter() {
        return retryAfter;
    }
}
