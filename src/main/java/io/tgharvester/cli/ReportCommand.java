package io.tgharvester.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Statistics for SOC leads from the local database (read-only; works while the daemon"
                + " runs). Every report takes a window (--since, or --from/--to; default all time) and a format"
                + " (table, csv, json, or html: one self-contained page with charts)."},
        subcommands = {ReportUsersCommand.class, ReportActivityCommand.class},
        footer = {"", "Examples:",
                "  tg-harvester report users --since 7d",
                "  tg-harvester report users --from 2026-11-01 --to 2026-11-30 --zone UTC",
                "  tg-harvester report users --since 30d --format html --out users.html",
                "  tg-harvester report activity --since 30d --zone Europe/Berlin --format json"})
final class ReportCommand implements Runnable {
    @ParentCommand
    Main main;
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
