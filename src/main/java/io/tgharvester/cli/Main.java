package io.tgharvester.cli;

import io.tgharvester.config.ConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code tg-harvester} command line. */
@Command(name = "tg-harvester", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Collects your organization's Threat Grid samples and results into a local H2 database.",
        subcommands = {DemoCommand.class, RunCommand.class, StatusCommand.class, SqlCommand.class, FindCommand.class,
                RelatedCommand.class, DbServerCommand.class, ReportCommand.class, ReindexCommand.class,
                SamplesCommand.class, ConfigCommand.class, SimulateCommand.class, ServeCommand.class,
                ConnectionsCommand.class, BackfillCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 unexpected error, 2 usage or configuration, 3 API key refused,",
                "4 Threat Grid unavailable or answering badly (retry later), 5 local data dir or database problem",
                "(including a database this version must not upgrade: see README, Upgrading)."})
public final class Main implements Runnable {
    private final Map<String, String> environment;
    @Spec
    private CommandSpec spec;

    public Main(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    public static void main(String[] args) {
        // H2's AUTO_SERVER (used so status/sql can read while a daemon runs) must listen on loopback only.
        if (System.getProperty("h2.bindAddress") == null) {
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
        System.exit(run(System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs a command line with the given environment and streams; returns the exit code. */
    public static int run(Map<String, String> environment, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main(environment));
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(new ErrorReporter());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    Optional<String> environment(String name) {
        return Optional.ofNullable(environment.get(name));
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    ConfigLoader configLoader() {
        return new ConfigLoader(environment,
                Optional.ofNullable(System.getProperty("tg.home")).map(h -> Path.of(h, "conf", "harvester.properties")));
    }
}
