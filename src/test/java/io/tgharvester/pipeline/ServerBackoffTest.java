package io.tgharvester.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.TestClock;
import io.tgharvester.api.ApiUnavailable;
import io.tgharvester.api.AuthenticationFailed;
import io.tgharvester.api.CallStats;
import io.tgharvester.api.RateLimited;
import io.tgharvester.api.ServerNotTrusted;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ServerBackoffTest {
    private static final Duration BASE = Duration.ofSeconds(15);
    private static final Duration CAP = Duration.ofMinutes(15);
    private final TestClock clock = new TestClock(Instant.parse("2026-11-20T10:00:00Z"));
    /** What the client reports of its recent calls: all refused once {@link #down} is set. */
    private CallStats.Window recent = new CallStats.Window(20, 18, 0);
    private final ServerBackoff backoff = new ServerBackoff(clock, new Random(1), BASE, CAP, () -> recent);

    private static ApiUnavailable outage() {
        return new ApiUnavailable("HTTP 503", Optional.empty());
    }

    private void down() {
        recent = new CallStats.Window(20, 0, 0);
    }

    @Test
    void aFailureWhileMostCallsSucceedPausesNothing() {
        assertEquals(Optional.empty(), backoff.failed(outage()));
        assertEquals(Optional.empty(), backoff.blockedUntil());
        assertEquals(1, backoff.failureStreak());
    }

    @Test
    void aProbeIsDueOnceAPauseHasEndedAndUntilTheNextSuccess() {
        backoff.failed(outage());
        assertFalse(backoff.probeDue(), "no pause, nothing to probe");

        down();
        Duration pause = backoff.failed(outage()).orElseThrow();
        assertFalse(backoff.probeDue(), "not while the pause lasts");
        clock.advance(pause);
        assertTrue(backoff.probeDue());

        backoff.succeeded();
        assertFalse(backoff.probeDue());
    }

    @Test
    void retryAfterIsHonouredExactly() {
        Duration wait = backoff.failed(new RateLimited("/api/v2/samples", Optional.of(Duration.ofSeconds(42))))
                .orElseThrow();

        assertEquals(Duration.ofSeconds(42), wait);
        assertEquals(Optional.of(clock.instant().plusSeconds(42)), backoff.blockedUntil());
        clock.advance(Duration.ofSeconds(42));
        assertEquals(Optional.empty(), backoff.blockedUntil());
    }

    @Test
    void whileTheServerIsDownThePauseDoublesWithJitterUpToTheCap() {
        down();
        long previous = 0;
        for (int failure = 1; failure <= 12; failure++) {
            long millis = backoff.failed(outage()).orElseThrow().toMillis();
            long nominal = Math.min(BASE.toMillis() << (failure - 1), CAP.toMillis());
            assertTrue(millis >= nominal * 0.8 && millis <= nominal * 1.2, failure + ": " + millis);
            if (failure <= 4) {
                assertTrue(millis > previous, "grows while below the cap");
            }
            previous = millis;
        }
    }

    @Test
    void aRefusedKeyOrAnUntrustedCertificateWaitsLongAndASuccessClearsEverything() {
        assertEquals(Optional.of(CAP), backoff.failed(new AuthenticationFailed("/api/v2/samples", "HTTP 401")));
        assertEquals(Optional.of(CAP), backoff.failed(
                new ServerNotTrusted("Threat Grid at https://10.0.0.5:443 is not trusted")), "only an operator can fix either");
        assertEquals(2, backoff.failureStreak());

        assertEquals(2, backoff.succeeded());

        assertEquals(Optional.empty(), backoff.blockedUntil());
        assertEquals(0, backoff.failureStreak());
        assertEquals(0, backoff.succeeded());
    }
}
