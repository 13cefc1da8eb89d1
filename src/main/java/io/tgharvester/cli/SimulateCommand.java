package io.tgharvester.cli;

import io.tgharvester.config.Durations;
import io.tgharvester.sim.FaultPlan;
import io.tgharvester.sim.ArtifactSizes;
import io.tgharvester.sim.ListOrder;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Run the built-in Threat Grid simulator alone on 127.0.0.1 until Ctrl-C.",
                "It speaks the API v2 calls the harvester uses, refuses a wrong key (401) and a list call",
                "without org_only=True (400), and serves analysis.json, processes.json, network.pcap and video.webm."})
final class SimulateCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;
    @Option(names = "--port", defaultValue = "8089", description = "Port on 127.0.0.1, 0 for any free one "
            + "(default: ${DEFAULT-VALUE}).")
    private int port;
    @Option(names = "--api-key", defaultValue = "simulator-key", description = "The key clients must send "
            + "(default: ${DEFAULT-VALUE}).")
    private String apiKey;
    @Option(names = "--users", split = ",", description = "Submitting logins (default: a five-person SOC team).")
    private List<String> users;
    @Option(names = "--submit-every", defaultValue = "20s", description = "Mean gap between submissions "
            + "(default: ${DEFAULT-VALUE}).")
    private String submitEvery;
    @Option(names = "--state-step", defaultValue = "10s", description = "Mean time in each of wait, prep, run, proc "
            + "(default: ${DEFAULT-VALUE}).")
    private String stateStep;
    @Option(names = "--fail-rate", defaultValue = "0.1", description = "Share of analyses ending in fail "
            + "(default: ${DEFAULT-VALUE}).")
    private double failRate;
    @Option(names = "--max-samples", defaultValue = "0", description = "Stop submitting after this many "
            + "(default: ${DEFAULT-VALUE}, unlimited).")
    private int maxSamples;
    @Option(names = "--history", defaultValue = "10", paramLabel = "N", description = "Samples submitted before the"
            + " simulator started, spread over --history-span, most of them finished (default: ${DEFAULT-VALUE}).")
    private int history;
    @Option(names = "--history-span", defaultValue = "1h", description = "How far back those reach "
            + "(default: ${DEFAULT-VALUE}).")
    private String historySpan;
    @Option(names = "--seed", defaultValue = "42", description = "Seed of every random choice "
            + "(default: ${DEFAULT-VALUE}).")
    private long seed;
    @Option(names = "--page-cap", defaultValue = "" + SimulatorConfig.DEFAULT_PAGE_CAP, paramLabel = "N",
            description = "Most samples per list page, whatever limit is asked for (default: ${DEFAULT-VALUE}).")
    private int pageCap;
    @Option(names = "--order", defaultValue = "newest", paramLabel = "newest|oldest|shuffled",
            description = "Order of the sample list; sort_by and sort_order are ignored, as Threat Grid documents"
                    + " neither for this call (default: ${DEFAULT-VALUE}).")
    private String order;
    @Option(names = "--artifact-sizes", defaultValue = "compact", paramLabel = "compact|backlog-mix",
            description = "Artifacts as small as their content, or padded to a real backlog's size mix (kilobytes to"
                    + " a few MB, about 1 MB a sample; see docs/BENCHMARKS.md) (default: ${DEFAULT-VALUE}).")
    private String artifactSizes;
    @Option(names = "--fault-429", defaultValue = "0", paramLabel = "RATE",
            description = "Share of requests answered 429 (half of them with Retry-After).")
    private double rateLimited;
    @Option(names = "--fault-5xx", defaultValue = "0", paramLabel = "RATE",
            description = "Share answered 500, 502 or 503.")
    private double serverError;
    @Option(names = "--fault-reset", defaultValue = "0", paramLabel = "RATE",
            description = "Share whose connection is dropped unanswered.")
    private double reset;
    @Option(names = "--fault-slow", defaultValue = "0", paramLabel = "RATE",
            description = "Share answered 2 s late.")
    private double slow;
    @Option(names = "--fault-truncate", defaultValue = "0", paramLabel = "RATE",
            description = "Share of artifact downloads cut off half way.")
    private double truncated;
    @Option(names = "--fault-malformed", defaultValue = "0", paramLabel = "RATE",
            description = "Share of JSON answers cut off mid-document.")
    private double malformed;
    @Option(names = "--fault-error-200", defaultValue = "0", paramLabel = "RATE",
            description = "Share answered 200 with an error envelope instead of data or an artifact.")
    private double error200;

    @Override
    public Integer call() throws InterruptedException {
        SimulatorConfig defaults = SimulatorConfig.defaults(apiKey);
        SimulatorConfig config = new SimulatorConfig(apiKey, users == null ? defaults.users() : users,
                defaults.nullLoginRate(), Durations.parse(submitEvery), history, Durations.parse(historySpan),
                maxSamples, Durations.parse(stateStep), failRate, defaults.noVideoRate(),
                defaults.noPcapRate(), seed, pageCap, ListOrder.parse(order), ArtifactSizes.parse(artifactSizes));
        CountDownLatch stopped = new CountDownLatch(1);
        ThreatGridSimulator simulator = new ThreatGridSimulator(config, Clock.systemUTC());
        simulator.faults(new FaultPlan(rateLimited, serverError, reset, slow, truncated, malformed, error200, 2_000,
                seed));
        simulator.start(port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }, "simulator-shutdown"));
        main.out().printf("Threat Grid simulator on %s (key: %s). Ctrl-C stops it. Try:%n"
                        + "  TG_BASE_URL=%s TG_API_KEY=%s scripts/tg-harvester run --once%n",
                simulator.baseUrl(), apiKey, simulator.baseUrl(), apiKey);
        main.out().flush();
        stopped.await();
        return 0;
    }
}
