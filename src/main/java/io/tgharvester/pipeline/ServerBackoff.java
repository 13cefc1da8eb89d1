package io.tgharvester.pipeline;

import io.tgharvester.api.ApiException;
import io.tgharvester.api.AuthenticationFailed;
import io.tgharvester.api.CallStats;
import io.tgharvester.api.ProxyRefused;
import io.tgharvester.api.ServerNotTrusted;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Decides, for all stages together because they talk to one server, whether a failure pauses every call. A call that
 * still fails after its own quick retries pauses nothing: the stage tries again on its next run, and the client's
 * throttle already slows calls in proportion to refusals. Everything pauses only when the server looks down (the
 * calls of the last minutes nearly all failed, or it is unreachable again and again), when it asked for a Retry-After
 * longer than a call's retries wait, or when only an operator can help (refused key, untrusted certificate, a proxy
 * that wants other credentials). After a
 * pause a cheap probe call goes first ({@link #probeDue()}): its success ends the incident at once, its failure
 * lengthens the pause.
 */
public final class ServerBackoff {
    private final Clock clock;
    private final RandomGenerator random;
    private final Duration base;
    private final Duration cap;
    private final Supplier<CallStats.Window> recentCalls;
    private int failureStreak;
    private int pausesInARow;
    private boolean pausedSinceSuccess;
    private Instant blockedUntil = Instant.MIN;

    /**
     * @param base        first pause of an outage without Retry-After; doubles per pause in a row
     * @param cap         longest pause; a refused key or an untrusted certificate always waits this long, as only an
     *                    operator can fix them
     * @param recentCalls what became of the recent calls (the client's), to tell an outage from a passing fault
     */
    public ServerBackoff(Clock clock, RandomGenerator random, Duration base, Duration cap,
                         Supplier<CallStats.Window> recentCalls) {
        this.clock = clock;
        this.random = random;
        this.base = base;
        this.cap = cap;
        this.recentCalls = recentCalls;
    }

    /** When calls may resume, if that is still ahead. */
    public synchronized Optional<Instant> blockedUntil() {
        return clock.instant().isBefore(blockedUntil) ? Optional.of(blockedUntil) : Optional.empty();
    }

    /** Records a failure and returns how long every call now pauses, if at all. */
    public synchronized Optional<Duration> failed(ApiException failure) {
        failureStreak++;
        Optional<Duration> pause = pauseFor(failure);
        pause.ifPresent(wait -> {
            blockedUntil = clock.instant().plus(wait);
            pausedSinceSuccess = true;
        });
        return pause;
    }

    /** Records a success; returns how many failures in a row it ends (0 if none). */
    public synchronized int succeeded() {
        int ended = failureStreak;
        failureStreak = 0;
        pausesInARow = 0;
        pausedSinceSuccess = false;
        blockedUntil = Instant.MIN;
        return ended;
    }

    /** Whether a pause has ended with no success since: a probe should tell whether the server answers again. */
    public synchronized boolean probeDue() {
        return pausedSinceSuccess && blockedUntil().isEmpty();
    }

    /** Failures since the last success, paused or not. */
    public synchronized int failureStreak() {
        return failureStreak;
    }

    private Optional<Duration> pauseFor(ApiException failure) {
        if (failure instanceof AuthenticationFailed || failure instanceof ServerNotTrusted
                || failure instanceof ProxyRefused) {
            return Optional.of(cap);
        }
        if (failure.retryAfter().isPresent()) {
            return failure.retryAfter();
        }
        if (!recentCalls.get().serverDown()) {
            return Optional.empty();
        }
        pausesInARow++;
        return Optional.of(exponential());
    }

    /** base doubled per pause in a row, capped, with ±20% jitter so many harvesters do not retry in step. */
    private Duration exponential() {
        long baseMillis = base.toMillis() << Math.min(pausesInARow - 1, 20);
        long capped = Math.min(baseMillis, cap.toMillis());
        return Duration.ofMillis((long) (capped * (0.8 + 0.4 * random.nextDouble())));
    }
}
