package io.tgharvester.console;

import io.tgharvester.config.ConnectionConfig;
import io.tgharvester.config.Durations;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.report.ReportValues;
import io.tgharvester.store.StageRun;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Whether the harvest keeps up: healthy while every stage has succeeded within {@code factor} times its interval
 * (harvester.console.health-factor), so one slow or failed run is no alarm and a stalled stage is.
 */
final class HealthCheck {
    private final Map<String, Duration> intervals;
    private final double factor;

    /** One stage as the check sees it: its interval, how long it may go without a success, and its last runs. */
    record StageHealth(String stage, Duration interval, Duration limit, Optional<StageRun> run, boolean healthy) {
    }

    record Health(List<StageHealth> stages, List<String> problems) {
        boolean healthy() {
            return problems.isEmpty();
        }
    }

    HealthCheck(Map<String, Duration> intervals, double factor) {
        this.intervals = Collections.unmodifiableMap(new LinkedHashMap<>(intervals));
        this.factor = factor;
    }

    /**
     * The stages of the daemon and the interval each runs on, by their names in job_runs: each enabled connection's
     * fetch, state and download ({@code fetch:eu}), and the parse stage they share; downloads and parsing both run on
     * the download interval.
     */
    static Map<String, Duration> intervals(HarvesterConfig config) {
        Map<String, Duration> intervals = new LinkedHashMap<>();
        config.connections().stream().filter(ConnectionConfig::enabled).map(ConnectionConfig::alias).forEach(alias -> {
            intervals.put(ConnectionConfig.stageName("fetch", alias), config.fetchInterval());
            intervals.put(ConnectionConfig.stageName("state", alias), config.stateInterval());
            intervals.put(ConnectionConfig.stageName("download", alias), config.downloadInterval());
        });
        intervals.put("parse", config.downloadInterval());
        return intervals;
    }

    Health check(List<StageRun> runs, Instant now) {
        Map<String, StageRun> byStage = runs.stream().collect(Collectors.toMap(StageRun::stage, Function.identity()));
        List<StageHealth> stages = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        intervals.forEach((stage, interval) -> {
            Duration limit = Duration.ofMillis(Math.round(interval.toMillis() * factor));
            Optional<StageRun> run = Optional.ofNullable(byStage.get(stage));
            Optional<Instant> success = run.flatMap(StageRun::lastSuccess);
            boolean healthy = success.isPresent() && !success.get().plus(limit).isBefore(now);
            stages.add(new StageHealth(stage, interval, limit, run, healthy));
            if (!healthy) {
                problems.add(problem(stage, limit, run, now));
            }
        });
        return new Health(List.copyOf(stages), List.copyOf(problems));
    }

    private static String problem(String stage, Duration limit, Optional<StageRun> run, Instant now) {
        String since = run.flatMap(StageRun::lastSuccess)
                .map(at -> "has not succeeded for " + ReportValues.duration(Duration.between(at, now).toSeconds()))
                .orElse("has never succeeded");
        String error = run.flatMap(r -> r.lastFailure().flatMap(at -> r.lastError().map(e -> "; last failure "
                + Cells.ago(at, now) + ": " + e))).orElse("");
        return "stage " + stage + " " + since + " (limit " + Durations.format(limit) + ")" + error;
    }
}
