package io.tgharvester.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tgharvester.api.ApiUnavailable;
import io.tgharvester.api.AuthenticationFailed;
import io.tgharvester.api.CallObserver;
import io.tgharvester.api.CallOutcome;
import io.tgharvester.api.MalformedResponse;
import io.tgharvester.api.ProxyRefused;
import io.tgharvester.api.RateLimited;
import io.tgharvester.api.RequestRejected;
import io.tgharvester.api.ServerNotTrusted;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.pipeline.StageObserver;
import io.tgharvester.pipeline.StageResult;
import io.tgharvester.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What only the harvesting process knows, as meters: every attempt of a call to Threat Grid by endpoint and outcome
 * (every connection's together; the stages carry their connection in their names, such as {@code fetch:eu}),
 * the calls sent again, each stage run's duration and failures by cause, and the pause of all calls. Exported by
 * {@code run --serve}; {@code serve} in another process cannot see them.
 */
public final class PipelineMetrics implements CallObserver, StageObserver {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /** The registry these meters are in; the console's metrics add the database's gauges to it. */
    PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void attempted(String endpoint, CallOutcome outcome) {
        Counter.builder("tg.harvester.api.calls").description("Attempts of calls to Threat Grid, retries included")
                .tag("endpoint", endpoint).tag("outcome", label(outcome.name()))
                .register(registry).increment();
    }

    @Override
    public void ran(StageResult result, Duration took) {
        Timer.builder("tg.harvester.stage.duration").description("Runs of each stage, by how they ended")
                .tag("stage", result.stage()).tag("outcome", label(result.status().name()))
                .register(registry).record(took);
        result.failure().ifPresent(failure -> Counter.builder("tg.harvester.stage.failures")
                .description("Failed stage runs, by cause").tag("stage", result.stage()).tag("cause", cause(failure))
                .register(registry).increment());
    }

    /**
     * Exports the clients' retries (all connections' together) and the pause of all calls ({@code pausedUntil},
     * e.g. the harvester's), once both exist: the clients are made with this as their observer.
     */
    public void watch(Collection<ThreatGridClient> clients, Supplier<Optional<Instant>> pausedUntil, Clock clock) {
        List<ThreatGridClient> watched = List.copyOf(clients);
        // Micrometer holds the counted object weakly: this one lives as long as its registry, the clients with it.
        FunctionCounter.builder("tg.harvester.api.retries", this,
                        metrics -> watched.stream().mapToLong(ThreatGridClient::retries).sum())
                .description("Calls sent again after a passing failure (harvester.retry.*)").register(registry);
        Gauge.builder("tg.harvester.backoff.paused", pausedUntil, until -> until.get().isPresent() ? 1 : 0)
                .description("1 while every call to Threat Grid is paused (outage, refused key, long Retry-After)")
                .strongReference(true).register(registry);
        Gauge.builder("tg.harvester.backoff.remaining", pausedUntil, until -> until.get()
                        .map(end -> Math.max(0, Duration.between(clock.instant(), end).toMillis() / 1000.0))
                        .orElse(0.0))
                .baseUnit("seconds").description("How long the pause of all calls still lasts")
                .strongReference(true).register(registry);
    }

    /** What a failure means to an operator, as a label: the alert rules in docs/OPERATIONS.md match these. */
    static String cause(RuntimeException failure) {
        if (failure instanceof AuthenticationFailed) {
            return "key_refused";
        }
        if (failure instanceof ServerNotTrusted) {
            return "untrusted_certificate";
        }
        if (failure instanceof ProxyRefused) {
            return "proxy_refused";
        }
        if (failure instanceof RateLimited) {
            return "rate_limited";
        }
        if (failure instanceof ApiUnavailable) {
            return "unavailable";
        }
        if (failure instanceof MalformedResponse) {
            return "malformed_response";
        }
        if (failure instanceof RequestRejected) {
            return "rejected";
        }
        return failure instanceof StoreException ? "local" : "defect";
    }

    private static String label(String constant) {
        return constant.toLowerCase(Locale.ROOT);
    }
}
