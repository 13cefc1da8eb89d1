package io.tgharvester.pipeline;

import io.tgharvester.api.ApiException;
import io.tgharvester.api.ApiUnavailable;
import io.tgharvester.api.AuthenticationFailed;
import io.tgharvester.api.ProxyRefused;
import io.tgharvester.api.RequestRejected;
import io.tgharvester.api.ServerNotTrusted;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Runs a stage again through passing faults and pauses of its calls (after the pause, or a short wait) until it
 * succeeds or a deadline passes. What only an operator or a local fix can end (a refused key, an untrusted
 * certificate, a proxy refusal, a request the server rejects as such, a database failure) ends it at once. Used by
 * {@code run --once} and by the backfill.
 */
final class StagePatience {
    /** Between two tries of a stage when no pause is in force. */
    static final Duration RETRY_WAIT = Duration.ofSeconds(1);

    private final Clock clock;

    StagePatience(Clock clock) {
        this.clock = clock;
    }

    /** Runs {@code stage} through {@code runner} until it is done or {@code giveUp} (a System.nanoTime()) passes. */
    StageResult runUntilDone(StageRunner runner, Stage stage, long giveUp) {
        StageResult result = runner.run(stage);
        Optional<RuntimeException> lastFailure = result.failure();
        while (result.status() != StageResult.Status.DONE && passing(lastFailure)
                && waitedToTryAgain(runner, giveUp)) {
            result = runner.run(stage);
            if (result.failure().isPresent()) {
                lastFailure = result.failure();
            }
        }
        if (result.status() == StageResult.Status.SKIPPED) {
            return StageResult.failed(stage.name(), lastFailure.orElseGet(() -> new ApiUnavailable(
                    "every call to Threat Grid stayed paused for harvester.once.patience", Optional.empty())));
        }
        return result;
    }

    /** A passing fault, or a pause: not what only an operator or a local fix can end. */
    static boolean passing(Optional<RuntimeException> failure) {
        return failure.map(f -> f instanceof ApiException && !(f instanceof AuthenticationFailed)
                && !(f instanceof ServerNotTrusted) && !(f instanceof RequestRejected)
                && !(f instanceof ProxyRefused)).orElse(true);
    }

    /**
     * Waits before a failed or paused stage runs again: out the pause in force, else a moment, never past the
     * deadline; false once no time is left.
     */
    private boolean waitedToTryAgain(StageRunner runner, long giveUp) {
        Duration left = Duration.ofNanos(giveUp - System.nanoTime());
        if (left.isNegative() || left.isZero()) {
            return false;
        }
        Duration wait = runner.pausedUntil().map(until -> Duration.between(clock.instant(), until))
                .orElse(RETRY_WAIT);
        return slept(wait.compareTo(left) < 0 ? wait : left);
    }

    /** Waits until {@code due} if that comes before the deadline; false when nothing is due in time. */
    static boolean waitedFor(Optional<Duration> due, long giveUp) {
        return due.isPresent() && due.get().toNanos() < giveUp - System.nanoTime() && slept(due.get());
    }

    /** Sleeps {@code wait}; false when interrupted (the interrupt is kept for the caller to see). */
    static boolean slept(Duration wait) {
        try {
            Thread.sleep(Math.max(0, wait.toMillis()));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
