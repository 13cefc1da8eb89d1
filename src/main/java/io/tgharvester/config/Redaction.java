package io.tgharvester.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * Removes secrets from text by their shape (an {@code api_key} parameter, a bearer token, Basic credentials, the user
 * info of a URL such as a proxy's), so that even a message the harvester does not control, such as a library's
 * exception naming a URL, cannot show any connection's key or a proxy password; and hides the secrets among
 * configuration values, whole or, in a webhook's URL, all but where it leads.
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
    /**
     * Configuration keys whose values are URLs with a secret past their host: a webhook's is often in its path
     * (Slack's, Discord's) or its query, besides any user info.
     */
    private static final Pattern SECRET_URL_KEY = Pattern.compile("(?i)(.*[-._])?webhook-url");
    /** A JDBC URL may carry the database password among its parameters (PostgreSQL's {@code ?password=}). */
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)([?&;]password=)[^&;\\s\"'<>]+");

    private Redaction() {
    }

    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String once = QUERY_KEY.matcher(text).replaceAll("$1***");
        String twice = BEARER.matcher(once).replaceAll("$1***");
        String thrice = URL_PASSWORD.matcher(twice).replaceAll("$1***");
        return USER_INFO.matcher(BASIC.matcher(thrice).replaceAll("$1***")).replaceAll("$1***@");
    }

    /**
     * A configuration value as it may be shown: a secret key's value hidden whole (an unset one stays empty, which
     * says it is unset), a webhook URL shown only as far as its host ({@link #secretUrl}), credentials in a URL and
     * API keys by their shape hidden in any other.
     */
    public static String configValue(String key, String value) {
        if (value.isEmpty()) {
            return value;
        }
        if (SECRET_KEY.matcher(key).matches()) {
            return "***";
        }
        if (SECRET_URL_KEY.matcher(key).matches()) {
            return secretUrl(value);
        }
        return redact(value);
    }

    /**
     * Where a URL that holds a secret leads: its scheme, host and port, with its user info and everything after the
     * host (path, query, fragment) shown as {@code ***}; text that is no URL with a host is hidden whole.
     */
    public static String secretUrl(String url) {
        try {
            URI uri = new URI(url.strip());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return "***";
            }
            StringBuilder shown = new StringBuilder(uri.getScheme()).append("://");
            if (uri.getRawUserInfo() != null) {
                shown.append("***@");
            }
            shown.append(uri.getHost());
            if (uri.getPort() != -1) {
                shown.append(':').append(uri.getPort());
            }
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            boolean more = !(path.isEmpty() || path.equals("/")) || uri.getRawQuery() != null
                    || uri.getRawFragment() != null;
            return more ? shown.append("/***").toString() : shown.toString();
        } catch (URISyntaxException e) {
            return "***";
        }
    }
}
