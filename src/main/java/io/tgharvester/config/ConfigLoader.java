package io.tgharvester.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.quartz.CronExpression;

/**
 * Layers configuration: the packaged defaults (conf/harvester.properties), an installation's edited copy of that
 * file, an explicit {@code --config} file, the environment, then {@code --set key=value} flags; later layers win.
 */
public final class ConfigLoader {
    /** Every key the harvester understands; anything else is a typo and is refused. */
    public static final Set<String> KEYS = Set.of(
            "tg.api-key", "tg.api-key-file", "tg.base-url", "tg.auth", "tg.ca-file", "tg.pin-sha256",
            "harvester.proxy", "harvester.proxy-credentials", "harvester.proxy-credentials-file",
            "harvester.http-timeout",
            "harvester.retry.attempts", "harvester.retry.base", "harvester.retry.max-wait",
            "harvester.data-dir", "harvester.fetch-interval", "harvester.state-interval",
            "harvester.download-interval", "harvester.fetch-overlap", "harvester.initial-lookback", "harvester.stale-after",
            "harvester.page-size", "harvester.artifacts", "harvester.download.retry-base",
            "harvester.download.retry-max", "harvester.download.concurrency", "harvester.backoff.base", "harvester.backoff.max",
            "harvester.once.patience",
            "harvester.report.schedule", "harvester.report.zone", "harvester.report.period",
            "harvester.backfill.window", "harvester.backfill.rate",
            "harvester.console.bind", "harvester.console.port", "harvester.console.token",
            "harvester.console.health-factor",
            "harvester.plugins-dir", "harvester.analyze.attempts", "harvester.analyze.retry-base",
            "harvester.analyze.retry-max", "harvester.analyze.timeout",
            "harvester.alert.min-threat-score", "harvester.alert.webhook-url", "harvester.alert.webhook-timeout",
            "harvester.db.url", "harvester.db.user", "harvester.db.password", "harvester.db.password-file",
            "harvester.db.pool-size", "harvester.cluster.node-id", "harvester.cluster.claim-lease");

    /** Environment names kept for the documented short spellings. */
    private static final Map<String, String> ENV_ALIASES = Map.of("TG_DATA_DIR", "harvester.data-dir",
            "TG_DB_URL", "harvester.db.url", "TG_DB_USER", "harvester.db.user",
            "TG_DB_PASSWORD", "harvester.db.password");

    private final Map<String, String> environment;
    private final Optional<Path> installedConfig;

    /**
     * @param environment     usually {@code System.getenv()}
     * @param installedConfig the installation's conf/harvester.properties, if the launcher names one
     */
    public ConfigLoader(Map<String, String> environment, Optional<Path> installedConfig) {
        this.environment = Map.copyOf(environment);
        this.installedConfig = installedConfig;
    }

    public HarvesterConfig load(Optional<Path> configFile, Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>();
        effective(configFile, overrides).forEach((key, configured) -> values.put(key, configured.value()));
        return build(values, environment);
    }

    /** Every key's value after all the layers, with the layer that set it, in key order; nothing is validated. */
    public SortedMap<String, ConfiguredValue> effective(Optional<Path> configFile, Map<String, String> overrides) {
        Map<String, String> defaults = packagedDefaults();
        SortedMap<String, ConfiguredValue> values = new TreeMap<>();
        layer(values, defaults, ConfigSource.DEFAULT, "packaged defaults");
        installedConfig.filter(Files::isRegularFile).ifPresent(file -> {
            // The launcher names the very file the defaults are packaged from: a value left as shipped is a default.
            Map<String, String> edited = new LinkedHashMap<>(readFile(file));
            edited.entrySet().removeIf(entry -> entry.getValue().equals(defaults.get(entry.getKey())));
            layer(values, edited, ConfigSource.FILE, file.toString());
        });
        configFile.ifPresent(file -> {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException("config file " + file + " does not exist");
            }
            layer(values, readFile(file), ConfigSource.FILE, file.toString());
        });
        values.putAll(fromEnvironment());
        values.putAll(ConnectionSettings.fromEnvironment(environment, ConnectionSettings.aliases(values.keySet())));
        overrides.forEach((key, value) ->
                values.put(known(key, "--set"), new ConfiguredValue(key, value, ConfigSource.FLAG, "--set")));
        return values;
    }

    private static void layer(Map<String, ConfiguredValue> values, Map<String, String> layer, ConfigSource source,
                              String origin) {
        layer.forEach((key, value) -> values.put(key, new ConfiguredValue(key, value, source, origin)));
    }

    /** The relaxed environment name of a key: upper case, '.' and '-' as '_'. */
    public static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private Map<String, ConfiguredValue> fromEnvironment() {
        Map<String, ConfiguredValue> values = new LinkedHashMap<>();
        ENV_ALIASES.forEach((env, key) -> {
            if (environment.containsKey(env)) {
                values.put(key, new ConfiguredValue(key, environment.get(env), ConfigSource.ENV, env));
            }
        });
        for (String key : KEYS) {
            String name = environmentName(key);
            String value = environment.get(name);
            if (value != null) {
                values.put(key, new ConfiguredValue(key, value, ConfigSource.ENV, name));
            }
        }
        return values;
    }

    private static Map<String, String> packagedDefaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("/harvester.properties")) {
            if (in == null) {
                throw new IllegalStateException("harvester.properties is missing from the classpath");
            }
            return toMap(in, "packaged defaults");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read packaged defaults", e);
        }
    }

    private static Map<String, String> readFile(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return toMap(in, file.toString());
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
    }

    private static Map<String, String> toMap(InputStream in, String source) throws IOException {
        Properties props = new Properties();
        try (Reader reader = new java.io.InputStreamReader(in, StandardCharsets.UTF_8)) {
            props.load(reader);
        }
        Map<String, String> values = new LinkedHashMap<>();
        props.stringPropertyNames().forEach(key -> values.put(known(key, source), props.getProperty(key).trim()));
        return values;
    }

    private static String known(String key, String source) {
        if (!KEYS.contains(key) && !ConnectionSettings.isConnectionKey(key, source)) {
            throw new ConfigException("unknown configuration key '" + key + "' in " + source
                    + "; known keys: " + String.join(", ", KEYS.stream().sorted().toList()));
        }
        return key;
    }

    private static HarvesterConfig build(Map<String, String> v, Map<String, String> environment) {
        return new HarvesterConfig(
                apiKey(v, "tg.api-key"),
                uri(v, "tg.base-url").orElseThrow(() -> new ConfigException("tg.base-url must be set")),
                authMode(v, "tg.auth"),
                duration(v, "harvester.http-timeout"),
                new HarvesterConfig.CallRetries(wholeNumber(v, "harvester.retry.attempts", 1, 10),
                        duration(v, "harvester.retry.base"), duration(v, "harvester.retry.max-wait")),
                optionalPath(v, "tg.ca-file"),
                pins(v, "tg.pin-sha256"),
                Path.of(require(v, "harvester.data-dir")),
                duration(v, "harvester.fetch-interval"),
                duration(v, "harvester.state-interval"),
                duration(v, "harvester.download-interval"),
                duration(v, "harvester.fetch-overlap"),
                duration(v, "harvester.initial-lookback"),
                duration(v, "harvester.stale-after"),
                wholeNumber(v, "harvester.page-size", 1, 1000),
                artifacts(v),
                duration(v, "harvester.download.retry-base"),
                duration(v, "harvester.download.retry-max"),
                wholeNumber(v, "harvester.download.concurrency", 1, 16),
                duration(v, "harvester.backoff.base"),
                duration(v, "harvester.backoff.max"),
                duration(v, "harvester.once.patience"),
                reportSchedule(v),
                ConnectionSettings.connections(v, environment),
                new HarvesterConfig.BackfillSettings(duration(v, "harvester.backfill.window"),
                        wholeNumber(v, "harvester.backfill.rate", 1, 6000)),
                console(v),
                analyzers(v),
                database(v));
    }

    private static DatabaseSettings database(Map<String, String> v) {
        String url = v.getOrDefault("harvester.db.url", "").strip();
        String nodeId = v.getOrDefault("harvester.cluster.node-id", "").strip();
        return new DatabaseSettings(url.isEmpty() ? Optional.empty() : Optional.of(url),
                v.getOrDefault("harvester.db.user", "").strip(), databasePassword(v),
                wholeNumber(v, "harvester.db.pool-size", 2, 200), nodeId.isEmpty() ? hostName() : nodeId,
                duration(v, "harvester.cluster.claim-lease"));
    }

    /** harvester.db.password, else the first line of the file harvester.db.password-file names, else none. */
    private static String databasePassword(Map<String, String> v) {
        String direct = v.getOrDefault("harvester.db.password", "");
        String file = v.getOrDefault("harvester.db.password-file", "").strip();
        if (!direct.isEmpty() || file.isEmpty()) {
            return direct;
        }
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
        } catch (IOException e) {
            throw new ConfigException("cannot read the database password from harvester.db.password-file " + file
                    + ": " + e.getMessage());
        }
    }

    /** A node's id by default: its host's name, which tells an operator where it runs. */
    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9_.:-]", "-");
        } catch (UnknownHostException e) {
            return "node";
        }
    }

    private static ConsoleSettings console(Map<String, String> v) {
        String token = v.getOrDefault("harvester.console.token", "");
        String factor = require(v, "harvester.console.health-factor");
        try {
            return new ConsoleSettings(require(v, "harvester.console.bind").trim(),
                    wholeNumber(v, "harvester.console.port", 0, 65_535),
                    token.isBlank() ? Optional.empty() : Optional.of(new ConsoleToken(token)),
                    Double.parseDouble(factor));
        } catch (NumberFormatException e) {
            throw new ConfigException("harvester.console.health-factor: '" + factor + "' is not a number, e.g. 3");
        }
    }

    private static HarvesterConfig.AnalyzerSettings analyzers(Map<String, String> v) {
        return new HarvesterConfig.AnalyzerSettings(Path.of(require(v, "harvester.plugins-dir")),
                wholeNumber(v, "harvester.analyze.attempts", 1, 100), duration(v, "harvester.analyze.retry-base"),
                duration(v, "harvester.analyze.retry-max"), duration(v, "harvester.analyze.timeout"), alertRule(v));
    }

    /** The alert rule is off while no minimum score is set; a webhook without one would never be called. */
    private static Optional<HarvesterConfig.AlertRule> alertRule(Map<String, String> v) {
        Optional<URI> webhook = uri(v, "harvester.alert.webhook-url");
        if (webhook.filter(url -> !List.of("http", "https").contains(url.getScheme().toLowerCase(Locale.ROOT)))
                .isPresent()) {
            throw new ConfigException("harvester.alert.webhook-url: only http and https URLs can be POSTed to");
        }
        if (v.getOrDefault("harvester.alert.min-threat-score", "").isBlank()) {
            if (webhook.isPresent()) {
                throw new ConfigException("harvester.alert.webhook-url is set but harvester.alert.min-threat-score is"
                        + " not: set the threat score (0-100) from which a sample raises an alert");
            }
            return Optional.empty();
        }
        return Optional.of(new HarvesterConfig.AlertRule(wholeNumber(v, "harvester.alert.min-threat-score", 0, 100),
                webhook, duration(v, "harvester.alert.webhook-timeout")));
    }

    private static Optional<HarvesterConfig.ReportSchedule> reportSchedule(Map<String, String> v) {
        String cron = v.getOrDefault("harvester.report.schedule", "").trim();
        if (cron.isEmpty()) {
            return Optional.empty();
        }
        try {
            CronExpression.validateExpression(cron);
        } catch (ParseException e) {
            throw new ConfigException("harvester.report.schedule: '" + cron + "' is not a Quartz cron expression ("
                    + e.getMessage() + "); e.g. '0 0 6 * * ?' is every day at 06:00");
        }
        String zone = v.getOrDefault("harvester.report.zone", "").trim();
        try {
            return Optional.of(new HarvesterConfig.ReportSchedule(cron,
                    zone.isEmpty() ? ZoneId.systemDefault() : ZoneId.of(zone), duration(v, "harvester.report.period")));
        } catch (DateTimeException e) {
            throw new ConfigException("harvester.report.zone: unknown time zone '" + zone + "'");
        }
    }

    static Optional<Path> optionalPath(Map<String, String> v, String key) {
        String value = v.getOrDefault(key, "");
        return value.isBlank() ? Optional.empty() : Optional.of(Path.of(value.trim()));
    }

    /**
     * tg.pin-sha256: comma-separated SHA-256 pins of certificate keys, as OkHttp prints them ({@code sha256/BASE64})
     * or as bare base64 (what {@code openssl ... | openssl dgst -sha256 -binary | base64} prints); kept as
     * {@code sha256/BASE64}.
     */
    static List<String> pins(Map<String, String> v, String key) {
        List<String> pins = new ArrayList<>();
        for (String pin : v.getOrDefault(key, "").split(",")) {
            String base64 = pin.trim().startsWith("sha256/") ? pin.trim().substring(7) : pin.trim();
            if (base64.isEmpty()) {
                continue;
            }
            byte[] hash;
            try {
                hash = Base64.getDecoder().decode(base64);
            } catch (IllegalArgumentException e) {
                hash = new byte[0];
            }
            if (hash.length != 32) {
                throw new ConfigException(key + ": '" + pin.trim() + "' is not a SHA-256 key pin; it looks like"
                        + " sha256/ followed by 44 base64 characters, e.g. sha256/"
                        + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
            }
            pins.add("sha256/" + Base64.getEncoder().encodeToString(hash));
        }
        return pins;
    }

    /** The key in {@code key}, else in the file {@code key}-file names. */
    static Optional<ApiKeySource> apiKey(Map<String, String> v, String key) {
        String direct = v.getOrDefault(key, "");
        if (!direct.isBlank()) {
            return Optional.of(new ApiKey(direct));
        }
        String file = v.getOrDefault(key + "-file", "");
        if (file.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new ApiKeyFile(key + "-file", Path.of(file.strip())));
    }

    private static String require(Map<String, String> v, String key) {
        String value = v.get(key);
        if (value == null || value.isBlank()) {
            throw new ConfigException(key + " must be set");
        }
        return value;
    }

    private static Duration duration(Map<String, String> v, String key) {
        try {
            Duration d = Durations.parse(require(v, key));
            if (d.isZero()) {
                throw new IllegalArgumentException("it must be longer than zero");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + ": " + e.getMessage());
        }
    }

    static Optional<URI> uri(Map<String, String> v, String key) {
        String value = v.getOrDefault(key, "");
        if (value.isBlank()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new URISyntaxException(value, "needs a scheme and a host, e.g. https://panacea.threatgrid.com");
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            // The value as config show would print it: a webhook's secret stays out of the error.
            String at = e.getIndex() >= 0 ? " at index " + e.getIndex() : "";
            throw new ConfigException(key + ": " + e.getReason() + at + ": " + Redaction.configValue(key, value));
        }
    }

    static HarvesterConfig.AuthMode authMode(Map<String, String> v, String key) {
        String value = require(v, key);
        try {
            return HarvesterConfig.AuthMode.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + ": '" + value + "' is not one of auto, header, query");
        }
    }

    private static int wholeNumber(Map<String, String> v, String key, int min, int max) {
        String value = require(v, key);
        try {
            int number = Integer.parseInt(value);
            if (number < min || number > max) {
                throw new NumberFormatException();
            }
            return number;
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": '" + value + "' is not a whole number from " + min + " to " + max);
        }
    }

    private static List<String> artifacts(Map<String, String> v) {
        List<String> names = Arrays.stream(v.getOrDefault("harvester.artifacts", "").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String name : names) {
            if (!name.matches("[A-Za-z0-9_.-]+") || name.startsWith(".")) {
                throw new ConfigException("harvester.artifacts: '" + name + "' is not a plain file name");
            }
        }
        return names;
    }
}
