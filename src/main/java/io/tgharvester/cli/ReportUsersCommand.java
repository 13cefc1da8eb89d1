package io.tgharvester.cli;

import io.tgharvester.report.ActivityReport;
import io.tgharvester.report.HtmlReport;
import io.tgharvester.report.ReportFormat;
import io.tgharvester.report.ReportRenderer;
import io.tgharvester.report.UsersReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(name = "users", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Per-user statistics: submissions, outcomes, share, time to result.",
        description = {"One row per submitting login (samples without one are their own row, \"(none)\"):"
                + " submissions, succeeded, failed, pending, stale, share of the organization's submissions, first"
                + " and last submission, mean/median/p95 seconds from submission to result (succeeded samples), and"
                + " threat scores once analyses have been parsed. The counts equal the user_stats view for the same"
                + " window.",
                "HTML adds charts: submissions per user by outcome, per day, weekday x hour, and the time-to-result"
                + " distribution."})
final class ReportUsersCommand implements Callable<Integer> {
    @ParentCommand
    private ReportCommand report;
    @Mixin
    private ReportOptions options;
    @Mixin
    private ConfigOptions config;

    @Override
    public Integer call() {
        return options.run(report.main, config, (queries, scope) -> {
            UsersReport users = UsersReport.load(queries, scope);
            return options.format == ReportFormat.HTML
                    ? HtmlReport.users(users, ActivityReport.load(queries, scope))
                    : ReportRenderer.render(users.document(), options.format);
        });
    }
}
