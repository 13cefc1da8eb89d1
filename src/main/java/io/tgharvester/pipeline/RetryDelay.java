package io.tgharvester.pipeline;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long a failed artifact waits before its next attempt: {@code base} doubled per earlier failure of that same
 * artifact, stretched by a random factor from 1 to 2 so that artifacts cut together are not retried in step, and
 * never more than {@code max}. One failure thus costs seconds; only an artifact that keeps failing waits long.
 */
public final class RetryDelay {
    private final Duration base;
    private final Duration max;
    private final RandomGenerator random;

    public RetryDelay(Duration base, Duration max, RandomGenerator random) {
        this.base = base;
        this.max = max;
        this.random = random;
    }

    /** The wait after a failure that follows {@code earlierFailures} failed attempts. */
    Duration after(int earlierFailures) {
        long doubled = base.toMillis() << Math.min(earlierFailures, 20);
        return Duration.ofMillis(Math.min(max.toMillis(), (long) (doubled * (1 + random.nextDouble()))));
    }
}
