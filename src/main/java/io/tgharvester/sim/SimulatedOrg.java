package io.tgharvester.sim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The organization's submissions over time: a fixed history before the start, then one submission after another at
 * pseudo-random gaps around {@code submitEvery}, made lazily as the clock passes them.
 */
final class SimulatedOrg {
    private final SimulatorConfig config;
    private final Clock clock;
    private final SampleFactory factory;
    private final SplittableRandom gaps;
    private final List<SimulatedSample> submitted = new ArrayList<>();
    private Instant nextSubmission;
    private Instant stoppedAt = Instant.MAX;

    SimulatedOrg(SimulatorConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.factory = new SampleFactory(config);
        this.gaps = new SplittableRandom(config.seed());
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        int history = limit(config.historySamples());
        for (int n = 0; n < history; n++) {
            long back = config.historySpan().toSeconds() * (history - n) / history;
            submitted.add(factory.make(n, start.minusSeconds(Math.max(1, back))));
        }
        nextSubmission = start.plus(gap());
    }

    /** Every sample submitted up to now, oldest first. */
    synchronized List<SimulatedSample> samples() {
        Instant now = clock.instant();
        Instant until = now.isBefore(stoppedAt) ? now : stoppedAt;
        while (submitted.size() < limit(Integer.MAX_VALUE) && !nextSubmission.isAfter(until)) {
            submitted.add(factory.make(submitted.size(), nextSubmission));
            nextSubmission = nextSubmission.plus(gap());
        }
        return List.copyOf(submitted);
    }

    synchronized void stopSubmissions() {
        samples();
        stoppedAt = clock.instant();
    }

    private int limit(int wanted) {
        return config.maxSamples() > 0 ? Math.min(wanted, config.maxSamples()) : wanted;
    }

    private Duration gap() {
        long mean = config.submitEvery().toMillis();
        return Duration.ofSeconds(Math.max(1, Math.round((mean / 2 + gaps.nextLong(mean + 1)) / 1000.0)));
    }
}
