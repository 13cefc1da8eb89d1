package io.tgharvester.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How far a connection's backfill got: it lists the samples submitted from {@code from} to {@code to} in windows of
 * {@code window}, oldest first, each paged to its end. Every sample submitted before {@code windowFrom} has been
 * listed; the window from there is listed from {@code nextOffset}. {@code fromSpec} and {@code toSpec} are the
 * --from and --to as given, so that the same command run again continues this backfill (a relative --from such as
 * 30d was read once, when it began).
 */
public record BackfillProgress(String connection, String fromSpec, Optional<String> toSpec, Instant from, Instant to,
                               Duration window, Instant windowFrom, int nextOffset, int windowsDone, long pages,
                               long samples, Instant startedAt, Optional<Instant> finishedAt) {
    public BackfillProgress {
        Objects.requireNonNull(connection);
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("a backfill needs --from before --to: " + from + " is not before " + to);
        }
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("the backfill window must be longer than 0");
        }
    }

    /** A backfill of [{@code from}, {@code to}) that has listed nothing yet. */
    public static BackfillProgress start(String connection, String fromSpec, Optional<String> toSpec, Instant from,
                                         Instant to, Duration window, Instant now) {
        return new BackfillProgress(connection, fromSpec, toSpec, from, to, window, from, 0, 0, 0, 0, now,
                Optional.empty());
    }

    /** How many windows the whole range takes; the last may be shorter. */
    public int windowsTotal() {
        Duration span = Duration.between(from, to);
        return (int) ((span.toMillis() + window.toMillis() - 1) / window.toMillis());
    }

    /** The end of the window being listed (exclusive). */
    public Instant windowTo() {
        Instant end = windowFrom.plus(window);
        return end.isAfter(to) ? to : end;
    }

    /** Whether every window has been listed. */
    public boolean complete() {
        return !windowFrom.isBefore(to);
    }

    /** This progress after one more page of {@code itemCount} items; {@code lastOfWindow}: the window is listed. */
    public BackfillProgress plusPage(int itemCount, boolean lastOfWindow) {
        return new BackfillProgress(connection, fromSpec, toSpec, from, to, window,
                lastOfWindow ? windowTo() : windowFrom, lastOfWindow ? 0 : nextOffset + itemCount,
                lastOfWindow ? windowsDone + 1 : windowsDone, pages + 1, samples + itemCount, startedAt, finishedAt);
    }

    public BackfillProgress finished(Instant at) {
        return new BackfillProgress(connection, fromSpec, toSpec, from, to, window, windowFrom, nextOffset,
                windowsDone, pages, samples, startedAt, Optional.of(at));
    }

    /** Whether a backfill asked for with these --from and --to is this one. */
    public boolean sameRequest(String otherFromSpec, Optional<String> otherToSpec) {
        return fromSpec.equals(otherFromSpec) && toSpec.equals(otherToSpec);
    }
}
