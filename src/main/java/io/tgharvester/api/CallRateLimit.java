package io.tgharvester.api;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * At most {@code perMinute} calls a minute, evenly spaced: each call (each retry too) starts no sooner than 60 s /
 * perMinute after the one before, so a long walk through history stays a steady, modest load on Threat Grid.
 */
public final class CallRateLimit implements Interceptor {
    private final Duration spacing;
    private final Clock clock;
    private final Sleeper sleeper;
    private Instant nextSlot = Instant.MIN;

    /** How a call waits for its turn; tests pass one that moves a test clock. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    public CallRateLimit(int perMinute, Clock clock, Sleeper sleeper) {
        if (perMinute < 1) {
            throw new IllegalArgumentException("the rate must be at least 1 call a minute, not " + perMinute);
        }
        this.spacing = Duration.ofMinutes(1).dividedBy(perMinute);
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** A limit that waits on the system clock. */
    public static CallRateLimit perMinute(int perMinute) {
        return new CallRateLimit(perMinute, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Duration wait = reserve();
        if (!wait.isZero() && !wait.isNegative()) {
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the call rate");
            }
        }
        return chain.proceed(chain.request());
    }

    /** Takes the next free slot and says how long until it comes. */
    private synchronized Duration reserve() {
        Instant now = clock.instant();
        Instant slot = nextSlot.isAfter(now) ? nextSlot : now;
        nextSlot = slot.plus(spacing);
        return Duration.between(now, slot);
    }
}
