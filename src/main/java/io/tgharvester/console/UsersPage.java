package io.tgharvester.console;

import io.tgharvester.config.Durations;
import io.tgharvester.report.ActivityReport;
import io.tgharvester.report.HtmlReport;
import io.tgharvester.report.ReportScope;
import io.tgharvester.report.UsersReport;
import io.tgharvester.store.ReportQueries;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The users report, made by the same code as {@code report users --format html}, with the console's navigation and
 * a choice of window above it. Times are in the console's zone (the system's), as the command's default.
 */
final class UsersPage {
    static final String DEFAULT_WINDOW = "7d";
    private static final List<String> WINDOWS = List.of("24h", "7d", "30d", "all");

    private final ReportQueries queries;
    private final ZoneId zone;
    private final Clock clock;

    UsersPage(ReportQueries queries, ZoneId zone, Clock clock) {
        this.queries = queries;
        this.zone = zone;
        this.clock = clock;
    }

    String render(Request request) {
        String window = request.parameter("since").orElse(DEFAULT_WINDOW);
        if (!WINDOWS.contains(window)) {
            throw new IllegalArgumentException("since: one of " + String.join(", ", WINDOWS));
        }
        Instant now = clock.instant();
        ReportScope scope = window.equals("all") ? ReportScope.allTime(zone, now)
                : ReportScope.since(Durations.parse(window), zone, now);
        List<Markup> choices = new ArrayList<>();
        for (String choice : WINDOWS) {
            String label = choice.equals("all") ? "all time" : "last " + choice;
            choices.add(choice.equals(window) ? Markup.of("<strong>%s</strong>", label)
                    : Markup.of("<a href=\"%s\">%s</a>", Links.withQuery(Links.USERS, Map.of("since", choice)), label));
        }
        Markup top = Layout.navigation(Optional.of(Layout.Section.USERS))
                .plus(Markup.of("<nav class=\"console-window\">window: %s</nav>\n", Markup.join(choices)));
        return HtmlReport.users(UsersReport.load(queries, scope), ActivityReport.load(queries, scope), top.html());
    }
}
