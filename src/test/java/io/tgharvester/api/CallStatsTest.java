package io.tgharvester.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tgharvester.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The window counts the calls of its last two minutes, and the accepted ones among them, as calls come and go. */
class CallStatsTest {
    private final TestClock clock = new TestClock(Instant.parse("2026-11-20T10:00:00Z"));
    private final CallStats stats = new CallStats(clock, Duration.ofMinutes(2));

    @Test
    void callsLeaveTheWindowWithTheirOutcome() {
        stats.accepted();
        stats.refused();
        clock.advance(Duration.ofSeconds(61));
        stats.accepted();
        stats.unreachable();
        assertEquals(new CallStats.Window(4, 2, 1), stats.window());

        clock.advance(Duration.ofSeconds(60));
        assertEquals(new CallStats.Window(2, 1, 1), stats.window(), "the first minute's two calls have left");

        clock.advance(Duration.ofSeconds(61));
        stats.accepted();
        assertEquals(new CallStats.Window(1, 1, 0), stats.window());
    }

    @Test
    void clearingForgetsEveryCall() {
        stats.accepted();
        stats.refused();
        stats.clear();
        stats.refused();
        assertEquals(new CallStats.Window(1, 0, 0), stats.window());
    }
}
