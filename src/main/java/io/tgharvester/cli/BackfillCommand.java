package io.tgharvester.cli;

import io.tgharvester.api.CallRateLimit;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.config.ConnectionConfig;
import io.tgharvester.config.Durations;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.pipeline.BackfillRun;
import io.tgharvester.report.HarvestSummary;
import io.tgharvester.store.BackfillProgress;
import io.tgharvester.store.DataDirLock;
import io.tgharvester.store.Database;
import io.tgharvester.store.Queries;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = {"Lists a connection's org_only history in time windows, rate-limited and resumable.",
                "Each window from --from to --to is paged to its end, at most harvester.backfill.rate calls a minute;",
                "the samples are then checked and downloaded by the harvester like live ones. Run the same command",
                "again to continue an interrupted backfill. Works while the daemon runs."})
final class BackfillCommand implements Callable<Integer> {
    private static final Pattern RELATIVE = Pattern.compile("\\d+\\s*(ms|s|m|h|d)");

    @ParentCommand
    private Main main;
    @Mixin
    private ConfigOptions config;
    @Mixin
    private ConnectionOption connection;
    @Option(names = "--from", required = true, paramLabel = "TIME",
            description = "Start: 2026-01-01, 2026-01-01T08:00:00Z, or back from now: 30d, 12h (read once, when the"
                    + " backfill begins). Dates and times without an offset are UTC.")
    private String from;
    @Option(names = "--to", paramLabel = "TIME",
            description = "End (exclusive; a bare date includes that day), in the same forms (default: now).")
    private String to;
    @Option(names = "--restart", description = "Begin this backfill even where another one is unfinished.")
    private boolean restart;

    @Override
    public Integer call() {
        HarvesterConfig cfg = config.load(main);
        List<ConnectionConfig> connections = cfg.harvested(connection.alias());
        Clock clock = Clock.systemUTC();
        Instant now = clock.instant();
        Instant start = time("--from", from, now, false);
        Instant end = to == null ? now : time("--to", to, now, true);
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("--from (" + start + ") must be before --to (" + end + ")");
        }
        PrintWriter out = main.out();
        try (DataDirLock lock = DataDirLock.acquire(cfg.dataDir(), "backfill.lock", "a backfill already runs on");
             Database db = Database.open(cfg)) {
            for (ConnectionConfig c : connections) {
                ThreatGridClient client = ThreatGridClient.connect(c, cfg.httpTimeout(), cfg.callRetries(),
                        Optional.of(CallRateLimit.perMinute(cfg.backfill().requestsPerMinute())));
                BackfillRun run = new BackfillRun(c.alias(), client, cfg, db, clock);
                BackfillProgress begun = run.begin(from, Optional.ofNullable(to), start, end, restart);
                out.printf("backfill %s: %s %s to %s in %d windows of %s, at most %d calls a minute%n", c.alias(),
                        begun.windowsDone() > 0 || begun.nextOffset() > 0 ? "continuing at window "
                                + (begun.windowsDone() + 1) + ", from" : "from", begun.from(), begun.to(),
                        begun.windowsTotal(), Durations.format(begun.window()), cfg.backfill().requestsPerMinute());
                out.flush();
                BackfillProgress done;
                try (BackfillDisplay display = new BackfillDisplay(out, begun, System.console() != null, clock)) {
                    done = run.runToEnd(display::update);
                }
                out.printf("backfill %s: done, %d samples listed in %d pages | now stored for %s: %s%n", c.alias(),
                        done.samples(), done.pages(), c.alias(),
                        HarvestSummary.of(new Queries(db), Optional.of(c.alias())).line());
                out.flush();
            }
        }
        out.println("Unfinished samples are checked and succeeded ones downloaded by the harvester: the running"
                + " daemon, or run --once.");
        out.flush();
        return 0;
    }

    /** ISO-8601 (a date, a time in UTC, a time with its offset) or a duration back from {@code now}. */
    private static Instant time(String option, String text, Instant now, boolean endOfDay) {
        if (RELATIVE.matcher(text.strip().toLowerCase(Locale.ROOT)).matches()) {
            return now.minus(Durations.parse(text));
        }
        try {
            return ReportOptions.time(option, text, ZoneOffset.UTC, endOfDay);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + ", or back from now such as 30d");
        }
    }
}
