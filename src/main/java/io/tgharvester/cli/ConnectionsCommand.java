package io.tgharvester.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** The configured connections: list them, or test each one against its server. */
@Command(name = "connections", mixinStandardHelpOptions = true,
        description = "Lists the configured connections (organizations or clouds), or tests each against its server.",
        subcommands = {ConnectionsListCommand.class, ConnectionsTestCommand.class, CommandLine.HelpCommand.class})
final class ConnectionsCommand implements Runnable {
    @ParentCommand
    Main main;
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
