package io.tgharvester.cli;

import java.io.PrintWriter;
import java.util.Optional;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The demo's progress: a live bar on a terminal, a plain line every few seconds elsewhere (logs, CI). */
final class DemoProgress implements AutoCloseable {
    private static final long LINE_EVERY_SECONDS = 5;

    private final PrintWriter out;
    private final Optional<ProgressBar> bar;
    private long nextLineAt;

    DemoProgress(PrintWriter out, String task, long totalSeconds, boolean terminal) {
        this.out = out;
        this.bar = terminal
                ? Optional.of(new ProgressBarBuilder().setTaskName(task).setInitialMax(totalSeconds)
                        .setUnit("s", 1).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).build())
                : Optional.empty();
    }

    void update(long elapsedSeconds, String status) {
        if (bar.isPresent()) {
            bar.get().stepTo(elapsedSeconds);
            bar.get().setExtraMessage(status);
        } else if (elapsedSeconds >= nextLineAt) {
            out.printf("[%4ds] %s%n", elapsedSeconds, status);
            out.flush();
            nextLineAt = elapsedSeconds + LINE_EVERY_SECONDS;
        }
    }

    @Override
    public void close() {
        bar.ifPresent(ProgressBar::close);
    }
}
