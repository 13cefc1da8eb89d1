package io.tgharvester.pipeline;

import io.tgharvester.api.ApiException;
import io.tgharvester.api.ApiUnavailable;
import io.tgharvester.api.AuthenticationFailed;
import io.tgharvester.api.RateLimited;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Shared by all stages, because they all talk to one server: after a failure no stage calls it again before the
 * server's Retry-After or an exponential, jittered, capped delay has passed. A refused key waits longer, as only an
 * operator can fix it.
 */
public final class ServerBackoff {
    static final Duration BASE = Duration.ofSeconds(15);
    static final Duration CAP = Duration.ofMinutes(15);
    static final Duration AUTH_RETRY = Duration.ofMinutes(5);

    private final Clock clock;
    private final RandomGenerator random;
    private int consecutiveFailures;
    private Instant blockedUntil = Instant.MIN;

    public ServerBackoff(Clock clock, RandomGenerator random) {
        this.clock = clock;
        this.random = random;
    }

    /** When calls may resume, if that is still ahead. */
    public synchronized Optional<Instant> blockedUntil() {
        return clock.instant().isBefore(blockedUntil) ? Optional.of(blockedUntil) : Optional.empty();
    }

    /** Records a failure and returns how long calls now pause. */
    public synchronized Duration failed(ApiException failure) {
        consecutiveFailures++;
        Duration wait;
        if (failure instanceof AuthenticationFailed) {
            wait = AUTH_RETRY;
        } else if (failure instanceof RateLimited r) {
            wait = r.retryAfter().orElseGet(this::exponential);
        } else if (failure instanceof ApiUnavailable u) {
            wait = u.retryAfter().orElseGet(this::exponential);
        } else {
            wait = exponential();
        }
        blockedUntil = clock.instant().plus(wait);
        return wait;
    }

    /** Records a success; returns how many failures it ends (0 if none). */
    public synchronized int succeeded() {
        int ended = consecutiveFailures;
        consecutiveFailures = 0;
        blockedUntil = Instant.MIN;
        return ended;
    }

    public synchronized int consecutiveFailures() {
        return consecutiveFailures;
    }

    /** BASE doubled per consecutive failure, capped, with ±20% jitter so many harvesters do not retry in step. */
    private Duration exponential() {
        long baseMillis = BASE.toMillis() << Math.min(consecutiveFailures - 1, 20);
        long capped = Math.min(baseMillis, CAP.toMillis());
        return Duration.ofMillis((long) (capped * (0.8 + 0.4 * random.nextDouble())));
    }
}
