package io.tgharvester.bench;

import io.tgharvester.sim.SimulatedSample;
import io.tgharvester.sim.SimulatorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Latency: simulated seconds from a sample reaching {@code succ} on the simulator to its four artifacts being on
 * disk, with the default intervals (fetch 1 min, state check 5 min) replayed on a simulated clock. A sample that
 * finishes within the fetch overlap shows up as {@code succ} in the next list call; a slower one waits for the
 * state check. The limit is the state interval, the longest a success may wait to be seen.
 */
final class LatencyBench {
    static final double LIMIT_SECONDS = 300;

    private LatencyBench() {
    }

    static BenchTable run(Path work) {
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        // 5 000 samples a day for three simulated hours; analyses take 4 to 20 minutes.
        SimulatorConfig org = new SimulatorConfig("bench-key", List.of("alice.soc", "bob.ir", "carol.hunt"), 0.05,
                Duration.ofMillis(17_280), 0, Duration.ZERO, 0, Duration.ofMinutes(2), 0, 0, 0, 11);
        try (ScheduleReplay replay = new ScheduleReplay(org, start, work.resolve("data"))) {
            replay.runUntil(start.plus(Duration.ofHours(3)));
            List<Double> seconds = new ArrayList<>();
            for (List<Object> row : replay.queries().userQuery("""
                    SELECT sample_id, MAX(fetched_at) FROM artifacts GROUP BY sample_id
                    HAVING COUNT(*) FILTER (WHERE status = 'done') = 4""").rows()) {
                SimulatedSample sample = replay.simulator().groundTruth().sample(((String) row.get(0)).strip())
                        .orElseThrow();
                Instant stored = ((OffsetDateTime) row.get(1)).toInstant();
                seconds.add((double) Duration.between(sample.completedAt(), stored).toSeconds());
            }
            seconds.sort(null);
            double p95 = seconds.get((int) Math.ceil(seconds.size() * 0.95) - 1);
            return new BenchTable("latency: succ on the simulator to four artifacts on disk (default intervals)",
                    List.of(new BenchRow("p95 seconds", p95, LIMIT_SECONDS, 1, true, "s")),
                    List.of(String.format(Locale.ROOT, "%d samples; mean %.0f s, median %.0f s, p95 %.0f s, max"
                                    + " %.0f s (simulated time, one-minute ticks). Limit: the 5-minute state interval.",
                            seconds.size(), seconds.stream().mapToDouble(Double::doubleValue).average().orElse(0),
                            seconds.get(seconds.size() / 2), p95, seconds.get(seconds.size() - 1))));
        }
    }
}
