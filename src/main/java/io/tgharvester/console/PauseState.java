package io.tgharvester.console;

import java.time.Instant;
import java.util.Optional;

/**
 * The pause of every call to Threat Grid that the harvester's back-off holds: known only inside the harvesting
 * process, so the console shows it when it runs in the daemon ({@code run --serve}).
 */
@FunctionalInterface
public interface PauseState {
    /** When the pause ends, while one is in force. */
    Optional<Instant> pausedUntil();
}
