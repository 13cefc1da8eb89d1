package io.tgharvester.bench;

import io.tgharvester.sim.RecordedRequest;
import io.tgharvester.sim.SimulatorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * HTTP calls per harvested sample at steady state: a busy organization, every sample succeeding with all four
 * artifacts, the default intervals. Calls are counted over a window after a warm-up, per harvested sample (one
 * whose four artifacts reached {@code done} in the window).
 */
final class ApiCalls {
    /** The floor: four artifact downloads per sample; list and state calls are shared by many samples. */
    static final double LIMIT = 4;
    static final double TARGET = 4.05 / LIMIT;

    /** What to measure: the organization's pace and the simulated warm-up and window. */
    record Plan(Duration submitEvery, Duration warmUp, Duration window, Path workDir) {
    }

    /** Calls in the window by kind, and samples harvested in it. */
    record Counts(long list, long state, long artifacts, long other, long harvested) {
        double perSample() {
            return (double) (list + state + artifacts + other) / harvested;
        }
    }

    private ApiCalls() {
    }

    /**
     * 50 000 samples a day (one every 1.728 s); 12 minutes' warm-up outlast an analysis (four steps of ~2 minutes),
     * then ten minutes (about 350 samples) are counted. Longer windows cost minutes of downloads each.
     */
    static Plan defaultPlan(Path workDir) {
        return new Plan(Duration.ofMillis(1728), Duration.ofMinutes(12), Duration.ofMinutes(10), workDir);
    }

    static BenchTable table(Counts c) {
        double per = c.harvested();
        return new BenchTable("api: HTTP calls per harvested sample (50 000 samples/day, default intervals)",
                List.of(new BenchRow("calls per sample", c.perSample(), LIMIT, TARGET, true, "")),
                List.of(String.format(Locale.ROOT,
                        "%d samples harvested in the window; per sample: list %.4f, bulk state %.4f, "
                                + "artifacts %.4f, other %.4f.",
                        c.harvested(), c.list() / per, c.state() / per, c.artifacts() / per, c.other() / per)));
    }

    static Counts measure(Plan plan) {
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        SimulatorConfig org = new SimulatorConfig("bench-key", List.of("alice.soc", "bob.ir", "carol.hunt"), 0.05,
                plan.submitEvery(), 0, Duration.ZERO, 0, Duration.ofMinutes(2), 0, 0, 0, 7);
        try (ScheduleReplay replay = new ScheduleReplay(org, start, plan.workDir().resolve("data"))) {
            replay.runUntil(start.plus(plan.warmUp()));
            int before = replay.simulator().requests().size();
            long harvestedBefore = harvested(replay);
            replay.runUntil(start.plus(plan.warmUp()).plus(plan.window()));
            List<RecordedRequest> window = replay.simulator().requests();
            Map<String, Long> byKind = window.subList(before, window.size()).stream()
                    .collect(Collectors.groupingBy(ApiCalls::kind, Collectors.counting()));
            Function<String, Long> n = kind -> byKind.getOrDefault(kind, 0L);
            return new Counts(n.apply("list"), n.apply("state"), n.apply("artifact"), n.apply("other"),
                    harvested(replay) - harvestedBefore);
        }
    }

    private static long harvested(ScheduleReplay replay) {
        Object count = replay.queries().userQuery("""
                SELECT COUNT(*) FROM (SELECT sample_id FROM artifacts GROUP BY sample_id
                HAVING COUNT(*) FILTER (WHERE status = 'done') = 4)""").rows().get(0).get(0);
        return ((Number) count).longValue();
    }

    static String kind(RecordedRequest request) {
        String path = request.path();
        if (path.equals("/api/v2/samples")) {
            return "list";
        }
        if (path.equals("/api/v2/samples/state")) {
            return "state";
        }
        return path.matches("/api/v2/samples/[0-9a-f]{32}/[a-z.]+") ? "artifact" : "other";
    }
}
