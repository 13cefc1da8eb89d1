package io.tgharvester.correlate;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What {@code find} can look for, and how a value typed by a user becomes the value stored in the correlation tables
 * (domains and hashes are stored lower case, IPs as text).
 */
public enum Indicator {
    DOMAIN, IP, SHA256, IOC, URL_LIKE;

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern IP_TEXT = Pattern.compile("[0-9a-fA-F:.]{2,45}");

    /** The stored form of {@code raw}, or an IllegalArgumentException saying what is wrong with it. */
    public String normalize(String raw) {
        String value = raw.strip();
        if (value.isEmpty()) {
            throw new IllegalArgumentException(flag() + " needs a value");
        }
        return switch (this) {
            case DOMAIN -> {
                String domain = value.toLowerCase(Locale.ROOT);
                yield domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
            }
            case IP -> {
                if (!IP_TEXT.matcher(value).matches()) {
                    throw new IllegalArgumentException(flag() + ": '" + value + "' is not an IPv4 or IPv6 address");
                }
                yield value.toLowerCase(Locale.ROOT);
            }
            case SHA256 -> {
                String hash = value.toLowerCase(Locale.ROOT);
                if (!SHA256_HEX.matcher(hash).matches()) {
                    throw new IllegalArgumentException(flag() + ": a sha256 is 64 hex digits, not '" + value + "'");
                }
                yield hash;
            }
            case IOC -> value;
            // Without a % the pattern would have to match a whole URL, which is rarely what is meant.
            case URL_LIKE -> value.contains("%") ? value : "%" + value + "%";
        };
    }

    /** The command-line flag that asks for this indicator. */
    public String flag() {
        return "--" + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
