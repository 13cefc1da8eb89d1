package io.tgharvester.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * Everything the harvester reads from conf/harvester.properties, the environment and {@code --set} flags, typed and
 * validated. Built by {@link ConfigLoader}.
 */
public record HarvesterConfig(
        Optional<ApiKeySource> apiKey,
        URI baseUrl,
        AuthMode authMode,
        Optional<URI> proxy,
        Duration httpTimeout,
        CallRetries callRetries,
        Optional<Path> caFile,
        List<String> pinsSha256,
        Path dataDir,
        Duration fetchInterval,
        Duration stateInterval,
        Duration downloadInterval,
        Duration fetchOverlap,
        Duration initialLookback,
        Duration staleAfter,
        int pageSize,
        List<String> artifacts,
        Duration retryBase,
        Duration retryMax,
        int downloadConcurrency,
        Duration backoffBase,
        Duration backoffMax,
        Duration oncePatience,
        Optional<ReportSchedule> reportSchedule,
        ConsoleSettings console) {

    /**
     * The daemon's scheduled HTML report: a Quartz cron expression (seconds first, e.g. {@code 0 0 6 * * ?}) read in
     * {@code zone}, and how far back each report looks.
     */
    public record ReportSchedule(String cron, ZoneId zone, Duration period) {
    }

    /**
     * Quick retries of one failed call (harvester.retry.*): how many attempts in all (1: none), the first backoff
     * (doubling, with full jitter), and the longest wait, for a backoff or a Retry-After the call waits out.
     */
    public record CallRetries(int attempts, Duration base, Duration maxWait) {
    }

    /** How the API key travels: a bearer header, the {@code api_key} query parameter, or header first with fallback. */
    public enum AuthMode { AUTO, HEADER, QUERY }

    public HarvesterConfig {
        artifacts = List.copyOf(artifacts);
        pinsSha256 = List.copyOf(pinsSha256);
    }

    /** The key, or a clear error for commands that talk to Threat Grid. */
    public ApiKeySource requireApiKey() {
        return apiKey.orElseThrow(() -> new ConfigException(
                "no API key: set TG_API_KEY, tg.api-key-file, or tg.api-key in conf/harvester.properties"));
    }
}
