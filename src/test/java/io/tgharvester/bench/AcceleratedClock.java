package io.tgharvester.bench;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that runs {@code speed} times faster than real time from {@code start}: simulated days in minutes. */
final class AcceleratedClock extends Clock {
    private final Instant start;
    private final long startNanos = System.nanoTime();
    private final double speed;

    AcceleratedClock(Instant start, double speed) {
        this.start = start;
        this.speed = speed;
    }

    @Override
    public Instant instant() {
        return start.plusNanos((long) ((System.nanoTime() - startNanos) * speed));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("UTC only");
    }
}
