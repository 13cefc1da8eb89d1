package io.tgharvester.config;

import java.util.Optional;

/**
 * The web console's configuration (harvester.console.*): where it listens, the token that lets a browser or a
 * Prometheus server in when it listens anywhere but loopback, and how many stage intervals may pass without a
 * success before {@code /healthz} answers 503.
 */
public record ConsoleSettings(String bind, int port, Optional<ConsoleToken> token, double healthFactor) {
    public ConsoleSettings {
        if (port < 0 || port > 65_535) {
            throw new ConfigException("harvester.console.port: " + port + " is not a port from 0 (any free one)"
                    + " to 65535");
        }
        if (healthFactor < 1) {
            throw new ConfigException("harvester.console.health-factor: " + healthFactor
                    + " would call a stage late before its own interval has passed; use 1 or more (default 3)");
        }
    }

    /** The same settings listening on {@code bind} and {@code port} instead (the --bind and --port flags). */
    public ConsoleSettings at(String otherBind, int otherPort) {
        return new ConsoleSettings(otherBind, otherPort, token, healthFactor);
    }
}
