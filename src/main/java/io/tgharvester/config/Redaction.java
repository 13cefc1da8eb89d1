package io.tgharvester.config;

import java.util.regex.Pattern;

/**
 * Removes API keys from text by their shape (an {@code api_key} parameter, a bearer token), so that even a message
 * the harvester does not control, such as a library's exception naming a URL, cannot show the key.
 */
public final class Redaction {
    private static final Pattern QUERY_KEY = Pattern.compile("(?i)(api_key=)[^&\\s\"'<>]+");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[^\\s\"'<>]+");

    private Redaction() {
    }

    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String once = QUERY_KEY.matcher(text).replaceAll("$1***");
        return BEARER.matcher(once).replaceAll("$1***");
    }
}
