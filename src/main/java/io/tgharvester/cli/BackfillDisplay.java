package io.tgharvester.cli;

import io.tgharvester.config.Durations;
import io.tgharvester.store.BackfillProgress;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A backfill's progress: windows done of all, samples listed, samples a minute and the time left. A live bar on a
 * terminal; elsewhere (logs, cron, CI) a plain line when a window is done, at most one every few seconds.
 */
final class BackfillDisplay implements AutoCloseable {
    private static final Duration LINE_EVERY = Duration.ofSeconds(5);

    private final PrintWriter out;
    private final String connection;
    private final Clock clock;
    private final Instant began;
    private final BackfillProgress first;
    private final Optional<ProgressBar> bar;
    private Instant nextLineAt;
    private int lastWindowsDone;

    BackfillDisplay(PrintWriter out, BackfillProgress first, boolean terminal, Clock clock) {
        this.out = out;
        this.connection = first.connection();
        this.clock = clock;
        this.began = clock.instant();
        this.first = first;
        this.nextLineAt = began;
        this.lastWindowsDone = first.windowsDone();
        this.bar = terminal ? Optional.of(new ProgressBarBuilder().setTaskName("backfill " + connection)
                .setInitialMax(first.windowsTotal()).setUnit(" windows", 1).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250).startsFrom(first.windowsDone(), Duration.ZERO).build())
                : Optional.empty();
    }

    void update(BackfillProgress at) {
        if (bar.isPresent()) {
            bar.get().stepTo(at.windowsDone());
            bar.get().setExtraMessage(at.samples() + " samples, " + rate(at) + "/min");
            return;
        }
        Instant now = clock.instant();
        boolean windowDone = at.windowsDone() > lastWindowsDone;
        lastWindowsDone = at.windowsDone();
        if (windowDone && (!now.isBefore(nextLineAt) || at.complete())) {
            out.printf(Locale.ROOT, "backfill %s: window %d of %d done (to %s) | %d samples, %d/min | %s%n",
                    connection, at.windowsDone(), at.windowsTotal(), at.windowFrom(), at.samples(), rate(at),
                    left(at, now));
            out.flush();
            nextLineAt = now.plus(LINE_EVERY);
        }
    }

    /** Samples listed a minute in this run. */
    private long rate(BackfillProgress at) {
        long millis = Math.max(1, Duration.between(began, clock.instant()).toMillis());
        return (at.samples() - first.samples()) * 60_000 / millis;
    }

    /** The time left at this run's pace of windows. */
    private String left(BackfillProgress at, Instant now) {
        int doneHere = at.windowsDone() - first.windowsDone();
        if (at.complete()) {
            return "complete";
        }
        if (doneHere == 0) {
            return "time left unknown yet";
        }
        long millisLeft = Duration.between(began, now).toMillis() * (at.windowsTotal() - at.windowsDone()) / doneHere;
        Duration left = Duration.ofMillis(millisLeft);
        Duration rounded = left.compareTo(Duration.ofHours(2)) > 0 ? Duration.ofHours(Math.round(millisLeft / 3.6e6))
                : left.compareTo(Duration.ofMinutes(2)) > 0 ? Duration.ofMinutes(Math.round(millisLeft / 6e4))
                : Duration.ofSeconds(Math.max(1, Math.round(millisLeft / 1e3)));
        return "about " + Durations.format(rounded) + " left";
    }

    @Override
    public void close() {
        bar.ifPresent(ProgressBar::close);
    }
}
