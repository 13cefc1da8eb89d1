package io.tgharvester.config;

import java.util.regex.Pattern;

/**
 * Removes secrets from text by their shape (an {@code api_key} parameter, a bearer token, Basic credentials, the user
 * info of a URL such as a proxy's), so that even a message the harvester does not control, such as a library's
 * exception naming a URL, cannot show any connection's key or a proxy password; and hides the secrets among
 * configuration values.
 */
public final class Redaction {
    private static final Pattern QUERY_KEY = Pattern.compile("(?i)(api_key=)[^&\\s\"'<>]+");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[^\\s\"'<>]+");
    private static final Pattern BASIC = Pattern.compile("(?i)(basic\\s+)[A-Za-z0-9+/=]{4,}");
    private static final Pattern USER_INFO = Pattern.compile("(://)[^/\\s@\"'<>]+@");
    /**
     * Configuration keys whose values are secrets whole: tg.api-key and each connection's api-key, proxy credentials,
     * and any *-key, *-password, *-token, *-secret or *-credentials.
     */
    private static final Pattern SECRET_KEY = Pattern.compile("(?i)(.*[-._])?(key|password|token|secret|credentials)");

    private Redaction() {
    }

    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String once = QUERY_KEY.matcher(text).replaceAll("$1***");
        String twice = BEARER.matcher(once).replaceAll("$1***");
        return USER_INFO.matcher(BASIC.matcher(twice).replaceAll("$1***")).replaceAll("$1***@");
    }

    /**
     * A configuration value as it may be shown: a secret key's value hidden whole (an unset one stays empty, which
     * says it is unset), credentials in a URL and API keys by their shape hidden in any other.
     */
    public static String configValue(String key, String value) {
        if (value.isEmpty()) {
            return value;
        }
        if (SECRET_KEY.matcher(key).matches()) {
            return "***";
        }
        return redact(value);
    }
}
