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

@Command(name = "activity", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Submissions over time, weekday x hour, file types, IOCs and domains.",
        description = {"When the organization submits and how it turns out: submissions per day and per hour per"
                + " login, final states per day, a weekday x hour heatmap (days and hours in --zone), the top file"
                + " types by file name extension, and the top IOCs, contacted domains and magic types once"
                + " analyses have been parsed (until then: \"not available yet\").",
                "CSV prints one block per table, each after a '# name' line."})
final class ReportActivityCommand implements Callable<Integer> {
    @ParentCommand
    private ReportCommand report;
    @Mixin
    private ReportOptions options;
    @Mixin
    private ConfigOptions config;

    @Override
    public Integer call() {
        return options.run(report.main, config, (queries, scope) -> {
            ActivityReport activity = ActivityReport.load(queries, scope);
            return options.format == ReportFormat.HTML
                    ? HtmlReport.activity(activity, UsersReport.load(queries, scope))
                    : ReportRenderer.render(activity.document(), options.format);
        });
    }
}
