package io.tgharvester.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Shows the configuration the other commands would use, and where each value comes from.",
        subcommands = {ConfigShowCommand.class},
        footer = {"", "Example:", "  tg-harvester config show --set harvester.page-size=500"})
final class ConfigCommand implements Runnable {
    @ParentCommand
    Main main;
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
