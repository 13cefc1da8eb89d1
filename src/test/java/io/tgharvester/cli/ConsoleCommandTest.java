package io.tgharvester.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.ChildHarvester;
import io.tgharvester.metrics.PrometheusText;
import io.tgharvester.report.ReportFixtures;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serve and run --serve as operators start them. */
class ConsoleCommandTest {
    private static final Pattern CONSOLE = Pattern.compile("Console on (http://127\\.0\\.0\\.1:[0-9]+/)");

    @TempDir
    Path dataDir;

    @Test
    void serveRefusesToListenOffLoopbackWithoutATokenInOneLine() {
        ReportFixtures.storeHandCounted(dataDir);

        CliRun.Result result = CliRun.run(Map.of("TG_DATA_DIR", dataDir.toString()), "serve", "--bind", "0.0.0.0",
                "--port", "0");

        assertEquals(2, result.exitCode(), result.everything());
        assertEquals("tg-harvester: the console would listen on 0.0.0.0, which is not loopback: set"
                + " harvester.console.token (HARVESTER_CONSOLE_TOKEN, 16 characters or more) so that only holders of"
                + " it get in, or bind to 127.0.0.1\n", result.err());
        assertEquals("", result.out());
    }

    @Test
    void theConsoleComesWithTheDaemonNotWithOnePass() {
        CliRun.Result result = CliRun.run(Map.of("TG_DATA_DIR", dataDir.toString(), "TG_API_KEY", "k"), "run",
                "--once", "--serve");

        assertEquals(2, result.exitCode());
        assertEquals("tg-harvester: --serve goes with the daemon, not with --once\n", result.err());
    }

    @Test
    void runServeServesTheDaemonsMetricsAndHealthUntilSigterm() throws Exception {
        String key = "run-serve-key";
        try (ThreatGridSimulator simulator = new ThreatGridSimulator(SimulatorConfig.demo(key), Clock.systemUTC())) {
            simulator.start(0);
            Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
            Process daemon = ChildHarvester.start(dataDir, log, simulator.baseUrl().toString(), key, "run", "--serve",
                    "--port", "0", "--set", "harvester.fetch-interval=1s", "--set", "harvester.state-interval=1s",
                    "--set", "harvester.download-interval=1s");
            try {
                ChildHarvester.awaitLog(log, "Console on ", daemon);
                Matcher address = CONSOLE.matcher(Files.readString(log));
                assertTrue(address.find(), Files.readString(log));
                URI console = URI.create(address.group(1));
                HttpClient http = HttpClient.newHttpClient();

                Instant deadline = Instant.now().plusSeconds(30);
                PrometheusText metrics;
                HttpResponse<String> health;
                do {
                    Thread.sleep(200);
                    metrics = PrometheusText.parse(get(http, console.resolve("/metrics")).body());
                    health = get(http, console.resolve("/healthz"));
                } while ((health.statusCode() != 200 || metrics.value("tg_harvester_samples", "state", "succ") == null
                        || metrics.value("tg_harvester_stage_duration_seconds_count", "stage", "parse", "outcome",
                        "done") == null) && Instant.now().isBefore(deadline));

                assertEquals(200, health.statusCode(), health.body() + Files.readString(log));
                assertTrue(metrics.value("tg_harvester_api_calls_total", "endpoint", "/api/v2/samples",
                        "outcome", "ok") >= 1, "the daemon's own calls");
                assertTrue(metrics.value("tg_harvester_samples", "state", "succ") >= 1, "the harvest's samples");
                assertEquals(0.0, metrics.value("tg_harvester_backoff_paused"));
                assertTrue(get(http, console).body().contains("<dt>pause of all calls</dt><dd>none</dd>"),
                        "the overview knows the daemon's pause");
            } finally {
                daemon.destroy(); // SIGTERM
            }
            assertTrue(daemon.waitFor(30, TimeUnit.SECONDS), "the daemon did not stop on SIGTERM");
            assertEquals(143, daemon.exitValue());
            assertTrue(Files.readString(log).contains("event=stopped"), Files.readString(log));
        }
    }

    private static HttpResponse<String> get(HttpClient http, URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
