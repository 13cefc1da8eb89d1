package io.tgharvester.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * Everything the harvester reads from conf/harvester.properties, the environment and {@code --set} flags, typed and
 * validated. Built by {@link ConfigLoader}. {@code apiKey}, {@code baseUrl}, {@code authMode}, {@code caFile} and
 * {@code pinsSha256} are the single-key configuration (tg.*), which the {@code default} connection is made of;
 * {@code connections} are every connection to harvest, that one included when it is configured.
 */
public record HarvesterConfig(
        Optional<ApiKeySource> apiKey,
        URI baseUrl,
        AuthMode authMode,
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
        List<ConnectionConfig> connections,
        BackfillSettings backfill,
        ConsoleSettings console,
        AnalyzerSettings analyzers,
        DatabaseSettings database) {

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

    /**
     * {@code tg-harvester backfill}: the length of the time windows it lists one after the other
     * (harvester.backfill.window), and at most how many list calls it makes a minute (harvester.backfill.rate).
     */
    public record BackfillSettings(Duration window, int requestsPerMinute) {
        public BackfillSettings {
            if (window.compareTo(Duration.ofMinutes(1)) < 0 || window.toMillis() % 1000 != 0) {
                throw new ConfigException("harvester.backfill.window must be whole seconds, at least 1m, not "
                        + Durations.format(window));
            }
        }
    }

    /**
     * Analyzer plugins (harvester.plugins-dir, harvester.analyze.*): where plugin jars are found; how many calls a
     * sample gets from an analyzer that keeps failing, the wait before the second (doubling, with jitter, up to
     * {@code retryMax}), and how long one call may take; and the built-in alert rule, when configured.
     */
    public record AnalyzerSettings(Path pluginsDir, int attempts, Duration retryBase, Duration retryMax,
                                   Duration timeout, Optional<AlertRule> alert) {
    }

    /**
     * harvester.alert.*: samples whose threat score is at least {@code minThreatScore} are written to
     * {@code <data-dir>/alerts.jsonl} and, if set, POSTed to {@code webhookUrl} (each call at most
     * {@code webhookTimeout}). Its {@link #toString()} shows the webhook only as far as its host, which holds no
     * secret.
     */
    public record AlertRule(int minThreatScore, Optional<URI> webhookUrl, Duration webhookTimeout) {
        @Override
        public String toString() {
            return "AlertRule[minThreatScore=" + minThreatScore + ", webhookUrl="
                    + webhookUrl.map(url -> Redaction.secretUrl(url.toString())).orElse("none") + ", webhookTimeout="
                    + Durations.format(webhookTimeout) + "]";
        }
    }

    /** How the API key travels: a bearer header, the {@code api_key} query parameter, or header first with fallback. */
    public enum AuthMode { AUTO, HEADER, QUERY }

    public HarvesterConfig {
        artifacts = List.copyOf(artifacts);
        pinsSha256 = List.copyOf(pinsSha256);
        connections = List.copyOf(connections);
    }

    /** The connection of this alias, or a clear error naming the configured ones. */
    public ConnectionConfig connection(String alias) {
        return connections.stream().filter(c -> c.alias().equals(alias)).findFirst().orElseThrow(
                () -> new ConfigException("no connection '" + alias + "': the configured ones are "
                        + String.join(", ", connections.stream().map(ConnectionConfig::alias).toList())));
    }

    /** The same configuration with only {@code chosen} as its connections: what one process harvests. */
    public HarvesterConfig withConnections(List<ConnectionConfig> chosen) {
        return new HarvesterConfig(apiKey, baseUrl, authMode, httpTimeout, callRetries, caFile, pinsSha256, dataDir,
                fetchInterval, stateInterval, downloadInterval, fetchOverlap, initialLookback, staleAfter, pageSize,
                artifacts, retryBase, retryMax, downloadConcurrency, backoffBase, backoffMax, oncePatience,
                reportSchedule, List.copyOf(chosen), backfill, console, analyzers, database);
    }

    /**
     * The connections a command works with: the one {@code alias} names (refused when it is disabled), or else every
     * enabled one.
     */
    public List<ConnectionConfig> harvested(Optional<String> alias) {
        if (alias.isPresent()) {
            ConnectionConfig chosen = connection(alias.get());
            if (!chosen.enabled()) {
                throw new ConfigException("connection " + chosen.alias() + " is disabled (tg.connections."
                        + chosen.alias() + ".enabled=false)");
            }
            return List.of(chosen);
        }
        List<ConnectionConfig> enabled = connections.stream().filter(ConnectionConfig::enabled).toList();
        if (enabled.isEmpty()) {
            throw new ConfigException("every connection is disabled: set tg.connections.<alias>.enabled=true");
        }
        return enabled;
    }

    /** The key of the single-key configuration, or a clear error for commands that talk to Threat Grid. */
    public ApiKeySource requireApiKey() {
        return apiKey.orElseThrow(() -> new ConfigException(
                "no API key: set TG_API_KEY, tg.api-key-file, or tg.api-key in conf/harvester.properties"));
    }
}
