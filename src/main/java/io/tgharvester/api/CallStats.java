package io.tgharvester.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What became of the recent calls to Threat Grid, over a sliding window: how many were made (held back locally
 * included) and how many the server accepted, that is answered with anything but 429 or 5xx. Shared by the
 * client-side throttle and by the pipeline, which pauses every stage only when the server looks down.
 */
public final class CallStats {
    /** Calls the window must hold before it says the server is down: one bad minute of a quiet daemon is not. */
    private static final int DOWN_AFTER_CALLS = 6;
    /** Calls the window must hold before any is held back: a quiet daemon's one bad call is no overload. */
    private static final int THROTTLE_AFTER_CALLS = 10;
    /** Unreachable in a row: every attempt failed to connect, resolve or answer in time. */
    private static final int DOWN_AFTER_UNREACHABLE = 3;

    private final Clock clock;
    private final Duration window;
    private final Deque<Outcome> outcomes = new ArrayDeque<>();
    /** The accepted ones among {@link #outcomes}, kept as they come and go: each call reads the window. */
    private int acceptedInWindow;
    private int unreachableInARow;

    private record Outcome(Instant at, boolean accepted) {
    }

    public CallStats(Clock clock, Duration window) {
        this.clock = clock;
        this.window = window;
    }

    synchronized void accepted() {
        add(true);
        unreachableInARow = 0;
    }

    /** The server answered 429 or 5xx, or a call was held back by the throttle. */
    synchronized void refused() {
        add(false);
    }

    /** No answer at all: refused connection, failed name lookup, reset or timeout. */
    synchronized void unreachable() {
        add(false);
        unreachableInARow++;
    }

    /** Forgets the window: the server answers again after an outage, and its refusals no longer describe it. */
    synchronized void clear() {
        outcomes.clear();
        acceptedInWindow = 0;
        unreachableInARow = 0;
    }

    /** The calls and acceptances in the window, as of now. */
    public synchronized Window window() {
        expire();
        return new Window(outcomes.size(), acceptedInWindow, unreachableInARow);
    }

    /**
     * @param requests          calls made in the window, those held back included
     * @param accepts           calls the server answered with anything but 429 or 5xx
     * @param unreachableInARow attempts in a row that got no answer at all
     */
    public record Window(int requests, int accepts, int unreachableInARow) {
        /**
         * The share of calls to hold back, as in Google's SRE book ("Handling Overload", adaptive throttling):
         * max(0, (requests - k * accepts) / (requests + 1)). With k = 2 nothing is held back while the server
         * accepts at least half of the calls, nor before the window holds a few calls to judge by.
         */
        public double holdBackShare(double k) {
            return requests < THROTTLE_AFTER_CALLS ? 0 : Math.max(0, (requests - k * accepts) / (requests + 1));
        }

        /** Down: unreachable again and again, or nearly every call of a busy enough window refused. */
        public boolean serverDown() {
            return unreachableInARow >= DOWN_AFTER_UNREACHABLE
                    || (requests >= DOWN_AFTER_CALLS && accepts * 10 < requests);
        }
    }

    private void add(boolean accepted) {
        expire();
        outcomes.addLast(new Outcome(clock.instant(), accepted));
        if (accepted) {
            acceptedInWindow++;
        }
    }

    private void expire() {
        Instant oldest = clock.instant().minus(window);
        while (!outcomes.isEmpty() && outcomes.peekFirst().at().isBefore(oldest)) {
            if (outcomes.removeFirst().accepted()) {
                acceptedInWindow--;
            }
        }
    }
}
