package io.tgharvester.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tgharvester.store.JobRunStore;
import io.tgharvester.store.Queries;
import io.tgharvester.store.QueryResult;
import io.tgharvester.store.StageRun;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the harvest database says, as gauges: samples by state, artifacts and their bytes by status, parse outcomes,
 * each stage's last success and failure, and the fetch watermark. They describe the harvest whichever process
 * harvests, so {@code serve} beside a daemon exports them as well as {@code run --serve}. Read again before each
 * scrape by {@link #refresh()}, a handful of small queries.
 */
final class HarvestGauges {
    private static final String SECONDS = "seconds";

    private final Queries queries;
    private final JobRunStore runs;
    private final GaugeFamily samples;
    private final GaugeFamily artifacts;
    private final GaugeFamily artifactBytes;
    private final GaugeFamily analyses;
    private final GaugeFamily lastSuccess;
    private final GaugeFamily lastFailure;
    private volatile double watermarkSeconds = Double.NaN;

    HarvestGauges(MeterRegistry registry, Queries queries, JobRunStore runs) {
        this.queries = queries;
        this.runs = runs;
        samples = new GaugeFamily(registry, "tg.harvester.samples", "state", null, "Samples by state");
        artifacts = new GaugeFamily(registry, "tg.harvester.artifacts", "status", null,
                "Artifacts by download status (pending, done, absent, failed)");
        artifactBytes = new GaugeFamily(registry, "tg.harvester.artifact", "status", "bytes",
                "Bytes of the artifacts by download status");
        analyses = new GaugeFamily(registry, "tg.harvester.analyses", "status", null,
                "Analyses by parse outcome (parsed, failed)");
        lastSuccess = new GaugeFamily(registry, "tg.harvester.stage.last.success.timestamp", "stage", SECONDS,
                "When each stage last succeeded, in seconds since the epoch");
        lastFailure = new GaugeFamily(registry, "tg.harvester.stage.last.failure.timestamp", "stage", SECONDS,
                "When each stage last failed, in seconds since the epoch");
        Gauge.builder("tg.harvester.watermark.timestamp", this, gauges -> gauges.watermarkSeconds).baseUnit(SECONDS)
                .description("The fetch watermark: the server's submitted_at the next listing starts from (NaN"
                        + " before the first complete listing)")
                .register(registry);
    }

    void refresh() {
        samples.set(counts(queries.samplesByState(), 1));
        QueryResult byStatus = queries.artifactsByStatus();
        artifacts.set(counts(byStatus, 1));
        artifactBytes.set(counts(byStatus, 2));
        analyses.set(counts(queries.analysesByParseStatus(), 1));
        List<StageRun> stages = runs.runs();
        lastSuccess.set(times(stages, StageRun::lastSuccess));
        lastFailure.set(times(stages, StageRun::lastFailure));
        watermarkSeconds = queries.watermark().map(HarvestGauges::seconds).orElse(Double.NaN);
    }

    /** Label (the first column) to the number in {@code column}. */
    private static Map<String, Double> counts(QueryResult result, int column) {
        Map<String, Double> values = new LinkedHashMap<>();
        result.rows().forEach(row -> values.put((String) row.get(0), ((Number) row.get(column)).doubleValue()));
        return values;
    }

    private static Map<String, Double> times(List<StageRun> stages, Function<StageRun, Optional<Instant>> time) {
        Map<String, Double> values = new LinkedHashMap<>();
        stages.forEach(stage -> time.apply(stage).ifPresent(at -> values.put(stage.stage(), seconds(at))));
        return values;
    }

    private static double seconds(Instant at) {
        return at.toEpochMilli() / 1000.0;
    }
}
