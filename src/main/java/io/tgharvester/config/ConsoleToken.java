package io.tgharvester.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * harvester.console.token: the shared secret of the console. Its {@link #toString()} never shows the value, and it
 * is compared in constant time, so neither a log line nor response timing gives it away.
 */
public final class ConsoleToken {
    /** Shorter secrets can be guessed over the network; 24 random hex characters are plenty. */
    public static final int MIN_LENGTH = 16;

    private final byte[] value;

    public ConsoleToken(String value) {
        String token = value.strip();
        if (token.length() < MIN_LENGTH) {
            throw new ConfigException("harvester.console.token must be at least " + MIN_LENGTH
                    + " characters long (e.g. the output of `openssl rand -hex 24`)");
        }
        this.value = token.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether {@code candidate} is the token. */
    public boolean matches(String candidate) {
        return MessageDigest.isEqual(value, candidate.strip().getBytes(StandardCharsets.UTF_8));
    }

    /** The secret itself, as a key for what the console derives from it (its session cookie). */
    public byte[] reveal() {
        return value.clone();
    }

    @Override
    public String toString() {
        return "ConsoleToken[redacted]";
    }
}
