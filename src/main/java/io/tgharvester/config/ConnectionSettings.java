package io.tgharvester.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The keys of named connections, {@code tg.connections.<alias>.<field>}, and the {@link ConnectionConfig}s they and
 * the single-key configuration (tg.api-key, tg.base-url: the {@code default} connection) describe.
 */
final class ConnectionSettings {
    static final String PREFIX = "tg.connections.";
    /** What each connection may set; the rest (intervals, data dir, retries) is shared by all. */
    static final List<String> FIELDS = List.of("base-url", "api-key", "api-key-file", "auth", "ca-file", "pin-sha256",
            "proxy", "proxy-credentials", "proxy-credentials-file", "enabled");
    private static final Pattern ALIAS = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    private static final Pattern KEY = Pattern.compile(Pattern.quote(PREFIX) + "(.+)\\.([a-z0-9-]+)");
    private static final String ENV_PREFIX = ConfigLoader.environmentName(PREFIX);

    private ConnectionSettings() {
    }

    /** Whether {@code key} is a connection key; a malformed one is refused with what a connection key looks like. */
    static boolean isConnectionKey(String key, String source) {
        if (!key.startsWith(PREFIX)) {
            return false;
        }
        Matcher m = KEY.matcher(key);
        if (!m.matches() || !FIELDS.contains(m.group(2))) {
            throw new ConfigException("unknown configuration key '" + key + "' in " + source + "; a connection is set"
                    + " with tg.connections.<alias>.<field>, fields: " + String.join(", ", FIELDS));
        }
        if (!ALIAS.matcher(m.group(1)).matches() || m.group(1).equals(ConnectionConfig.DEFAULT)) {
            throw new ConfigException(key + " in " + source + ": a connection alias is 1 to 32 lower-case letters,"
                    + " digits, '-' and '_'" + (m.group(1).equals(ConnectionConfig.DEFAULT)
                    ? ", and not 'default', the connection of tg.api-key and tg.base-url" : ""));
        }
        return true;
    }

    /** The aliases that {@code keys} define, in order. */
    static Set<String> aliases(Set<String> keys) {
        Set<String> aliases = new TreeSet<>();
        keys.stream().map(KEY::matcher).filter(Matcher::matches).forEach(m -> aliases.add(m.group(1)));
        return aliases;
    }

    /**
     * Connection keys set in the environment, {@code TG_CONNECTIONS_<ALIAS>_<FIELD>}: an alias of {@code known}
     * whose environment spelling matches is that alias (so EU_WEST sets eu-west), any other is the lower-case alias.
     */
    static Map<String, ConfiguredValue> fromEnvironment(Map<String, String> environment, Set<String> known) {
        List<String> longestFirst = FIELDS.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
        Map<String, ConfiguredValue> values = new LinkedHashMap<>();
        for (Map.Entry<String, String> variable : new TreeMap<>(environment).entrySet()) {
            String name = variable.getKey();
            if (!name.startsWith(ENV_PREFIX)) {
                continue;
            }
            String rest = name.substring(ENV_PREFIX.length());
            for (String field : longestFirst) {
                String suffix = "_" + ConfigLoader.environmentName(field);
                if (rest.endsWith(suffix) && rest.length() > suffix.length()) {
                    String spelled = rest.substring(0, rest.length() - suffix.length());
                    String alias = known.stream().filter(a -> ConfigLoader.environmentName(a).equals(spelled))
                            .findFirst().orElse(spelled.toLowerCase(Locale.ROOT));
                    String key = PREFIX + alias + "." + field;
                    isConnectionKey(key, "the environment (" + name + ")");
                    values.put(key, new ConfiguredValue(key, variable.getValue(), ConfigSource.ENV, name));
                    break;
                }
            }
        }
        return values;
    }

    /**
     * The default connection (when no named connection is defined, or when tg.api-key or tg.api-key-file is set)
     * first, then the named ones by alias.
     */
    static List<ConnectionConfig> connections(Map<String, String> v, Map<String, String> environment) {
        URI defaultBase = ConfigLoader.uri(v, "tg.base-url").orElseThrow(() -> new ConfigException(
                "tg.base-url must be set"));
        ConnectionConfig defaultConnection = new ConnectionConfig(ConnectionConfig.DEFAULT, defaultBase,
                ConfigLoader.apiKey(v, "tg.api-key"), ConfigLoader.authMode(v, "tg.auth"),
                proxy(v, defaultBase, "", environment), ConfigLoader.optionalPath(v, "tg.ca-file"),
                ConfigLoader.pins(v, "tg.pin-sha256"), true, "tg.api-key");
        List<ConnectionConfig> named = new ArrayList<>();
        for (String alias : aliases(v.keySet())) {
            String k = PREFIX + alias + ".";
            URI base = ConfigLoader.uri(v, k + "base-url").orElseThrow(() -> new ConfigException(
                    k + "base-url must be set: the connection " + alias + " has other keys but no server"));
            Map<String, String> withAuth = new LinkedHashMap<>(v);
            withAuth.putIfAbsent(k + "auth", "auto");
            named.add(new ConnectionConfig(alias, base, ConfigLoader.apiKey(v, k + "api-key"),
                    ConfigLoader.authMode(withAuth, k + "auth"), proxy(v, base, k, environment),
                    ConfigLoader.optionalPath(v, k + "ca-file"), ConfigLoader.pins(v, k + "pin-sha256"),
                    enabled(v, k + "enabled"), k + "api-key"));
        }
        List<ConnectionConfig> all = new ArrayList<>();
        if (named.isEmpty() || defaultConnection.apiKey().isPresent()) {
            all.add(defaultConnection);
        }
        all.addAll(named);
        return all;
    }

    /**
     * The connection's own proxy keys ({@code prefix} + proxy, proxy-credentials[-file]) where set, else
     * harvester.proxy and harvester.proxy-credentials[-file], else the environment.
     */
    private static ProxyRoute proxy(Map<String, String> v, URI baseUrl, String prefix, Map<String, String> env) {
        String own = prefix.isEmpty() ? "" : v.getOrDefault(prefix + "proxy", "").strip();
        String key = own.isEmpty() ? "harvester.proxy" : prefix + "proxy";
        Optional<ProxyRoute.Credentials> credentials = prefix.isEmpty() ? Optional.empty()
                : credentials(v, prefix + "proxy-credentials");
        return ProxyRoutes.resolve(key, own.isEmpty() ? v.getOrDefault("harvester.proxy", "") : own,
                credentials.or(() -> credentials(v, "harvester.proxy-credentials")), baseUrl, env);
    }

    /** A file of {@code user:password} ({@code key}-file) before a value ({@code key}). */
    private static Optional<ProxyRoute.Credentials> credentials(Map<String, String> v, String key) {
        Optional<Path> file = ConfigLoader.optionalPath(v, key + "-file");
        if (file.isPresent()) {
            return Optional.of(ProxyRoutes.credentialsFile(key + "-file", file.get()));
        }
        String value = v.getOrDefault(key, "");
        return value.isBlank() ? Optional.empty() : Optional.of(ProxyRoutes.credentials(key, value));
    }

    private static boolean enabled(Map<String, String> v, String key) {
        String value = v.getOrDefault(key, "true").strip().toLowerCase(Locale.ROOT);
        if (!value.equals("true") && !value.equals("false")) {
            throw new ConfigException(key + ": '" + value + "' is not true or false");
        }
        return value.equals("true");
    }
}
