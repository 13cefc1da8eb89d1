package io.tgharvester.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the web console until stopped (Ctrl-C): overview, samples, a page per sample with its",
                "artifacts, users, find; /metrics for Prometheus and /healthz. Reads the harvest read-only, beside",
                "a running daemon; `run --serve` serves the same console from the daemon, with its call metrics."})
final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;
    @Mixin
    private ConfigOptions config;
    @Mixin
    private ConsoleOptions console;

    @Override
    public Integer call() throws InterruptedException {
        console.serveUntilStopped(main, config.load(main));
        return 0;
    }
}
