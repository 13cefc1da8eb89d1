package io.tgharvester.pipeline;

import io.tgharvester.api.ApiException;
import io.tgharvester.api.ApiUnavailable;
import io.tgharvester.api.AuthenticationFailed;
import io.tgharvester.api.RateLimited;
import io.tgharvester.api.ServerNotTrusted;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Shared by all stages, because they all talk to one server: after a failure no stage calls it again before the
 * server's Retry-After or an exponential, jittered, capped delay has passed.
 */
public final class ServerBackoff {
    private final Clock clock;
    private final RandomGenerator random;
    private final Duration base;
    private final Duration cap;
    private int consecutiveFailures;
    private Instant blockedUntil = Instant.MIN;

    /**
     * @param base first delay after a failure without Retry-After; doubles per consecutive failure
     * @param cap  longest delay; a refused key or an untrusted certificate always waits this long, as only an
     *             operator can fix them
     */
    public ServerBackoff(Clock clock, RandomGenerator random, Duration base, Duration cap) {
        this.clock = clock;
        this.random = random;
        this.base = base;
        this.cap = cap;
    }

    /** When calls may resume, if that is still ahead. */
    public synchronized Optional<Instant> blockedUntil() {
        return clock.instant().isBefore(blockedUntil) ? Optional.of(blockedUntil) : Optional.empty();
    }

    /** Records a failure and returns how long calls now pause. */
    public synchronized Duration failed(ApiException failure) {
        consecutiveFailures++;
        Duration wait;
        if (failure instanceof AuthenticationFailed || failure instanceof ServerNotTrusted) {
            wait = cap;
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

    /** base doubled per consecutive failure, capped, with ±20% jitter so many harvesters do not retry in step. */
    private Duration exponential() {
        long baseMillis = base.toMillis() << Math.min(consecutiveFailures - 1, 20);
        long capped = Math.min(baseMillis, cap.toMillis());
        return Duration.ofMillis((long) (capped * (0.8 + 0.4 * random.nextDouble())));
    }
}
