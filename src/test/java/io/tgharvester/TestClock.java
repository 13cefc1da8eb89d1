package io.tgharvester;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock tests move by hand, and optionally a step on every reading. */
public final class TestClock extends Clock {
    private final Duration tick;
    private Instant now;

    public TestClock(Instant start) {
        this(start, Duration.ZERO);
    }

    private TestClock(Instant start, Duration tick) {
        this.now = start;
        this.tick = tick;
    }

    /** A clock that also moves {@code tick} each time it is read, so time passes while code runs. */
    public static TestClock ticking(Instant start, Duration tick) {
        return new TestClock(start, tick);
    }

    public synchronized void advance(Duration by) {
        now = now.plus(by);
    }

    public synchronized void set(Instant instant) {
        now = instant;
    }

    @Override
    public synchronized Instant instant() {
        now = now.plus(tick);
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("tests use UTC");
    }
}
