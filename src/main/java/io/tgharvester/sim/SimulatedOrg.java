package io.tgharvester.sim;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The organization's submissions over time: a fixed history spread over the span before the start, then one
 * submission after another at pseudo-random gaps around {@code submitEvery}, made lazily as the clock passes them.
 */
final class SimulatedOrg {
    private final SimulatorConfig config;
    private final SampleFactory factory;
    private final SplittableRandom gaps;
    private final List<SimulatedSample> submitted = new ArrayList<>();
    private final Map<String, SimulatedSample> byId = new HashMap<>();
    private Instant nextSubmission;
    private Instant stoppedAt = Instant.MAX;

    SimulatedOrg(SimulatorConfig config, Instant startTime) {
        this.config = config;
        this.factory = new SampleFactory(config);
        this.gaps = new SplittableRandom(config.seed());
        Instant start = startTime.truncatedTo(ChronoUnit.SECONDS);
        int history = capped(config.historySamples());
        for (int n = 0; n < history; n++) {
            long back = config.historySpan().toSeconds() * (history - n) / history;
            add(start.minusSeconds(Math.max(1, back)));
        }
        nextSubmission = start.plus(gap());
    }

    /** Every sample submitted at or before {@code now}, oldest first. */
    synchronized List<SimulatedSample> samplesAt(Instant now) {
        catchUp(now);
        return submitted.stream().filter(s -> !s.submittedAt().isAfter(now)).toList();
    }

    /** The sample with this id if it has been submitted by {@code now}. */
    synchronized Optional<SimulatedSample> find(String id, Instant now) {
        catchUp(now);
        return Optional.ofNullable(byId.get(id)).filter(s -> !s.submittedAt().isAfter(now));
    }

    /** No submission after {@code now}; the ones up to it still happen, even if nobody looked yet. */
    synchronized void stopSubmissions(Instant now) {
        catchUp(now);
        stoppedAt = now.isBefore(stoppedAt) ? now : stoppedAt;
    }

    /** Submits whatever time has passed since the last look. */
    private void catchUp(Instant now) {
        Instant until = now.isBefore(stoppedAt) ? now : stoppedAt;
        while (submitted.size() < capped(Integer.MAX_VALUE) && !nextSubmission.isAfter(until)) {
            add(nextSubmission);
            nextSubmission = nextSubmission.plus(gap());
        }
    }

    private void add(Instant submittedAt) {
        SimulatedSample sample = factory.make(submitted.size(), submittedAt);
        submitted.add(sample);
        byId.put(sample.id(), sample);
    }

    private int capped(int wanted) {
        return config.maxSamples() > 0 ? Math.min(wanted, config.maxSamples()) : wanted;
    }

    /** Uniform over half to one and a half times the mean, in whole seconds so wire times need no rounding. */
    private Duration gap() {
        long mean = config.submitEvery().toMillis();
        return Duration.ofSeconds(Math.max(1, Math.round((mean / 2 + gaps.nextLong(mean + 1)) / 1000.0)));
    }
}
