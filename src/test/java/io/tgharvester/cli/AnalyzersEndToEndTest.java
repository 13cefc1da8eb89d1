package io.tgharvester.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tgharvester.PluginJar;
import io.tgharvester.TestClock;
import io.tgharvester.sim.GroundTruth;
import io.tgharvester.sim.SimulatedSample;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import io.tgharvester.store.Database;
import io.tgharvester.store.Queries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Analyzers from the command line, over real {@code run --once} harvests of the simulator: the built-in alert rule
 * with its webhook, and plugin jars dropped into the plugins dir.
 */
class AnalyzersEndToEndTest {
    private static final String KEY = "analyzers-e2e-key";
    private static final int SAMPLES = 12;
    /** Failed calls are due again at once, so the next pass retries them. */
    private static final List<String> QUICK_RETRIES = List.of("--set", "harvester.analyze.retry-base=1ms",
            "--set", "harvester.analyze.retry-max=1ms");

    @RegisterExtension
    static WireMockExtension webhook = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @TempDir
    Path dataDir;
    @TempDir
    Path pluginsDir;

    private final TestClock clock =
            new TestClock(Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS));
    private ThreatGridSimulator simulator;
    private GroundTruth truth;
    private Map<String, String> env;

    @BeforeEach
    void startSimulator() {
        simulator = new ThreatGridSimulator(new SimulatorConfig(KEY, List.of("alice", "bob"), 0.1,
                Duration.ofMinutes(5), SAMPLES, Duration.ofMinutes(40), SAMPLES, Duration.ofSeconds(20), 0.15, 0.3,
                0.3, 17L), clock);
        simulator.start(0);
        clock.advance(Duration.ofHours(1));
        truth = simulator.groundTruth();
        assertTrue(HarvestCheck.allFinal(truth, clock.instant(), SAMPLES), "one pass collects every sample");
        env = Map.of("TG_API_KEY", KEY, "TG_BASE_URL", simulator.baseUrl().toString(),
                "TG_DATA_DIR", dataDir.toString());
    }

    @AfterEach
    void stopSimulator() {
        simulator.close();
    }

    private CliRun.Result runOnce(List<String> settings) {
        List<String> args = new ArrayList<>(List.of("run", "--once"));
        args.addAll(settings);
        CliRun.Result result = CliRun.run(env, args.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.everything());
        assertTrue(result.out().contains("pass complete"), result.out());
        return result;
    }

    private List<Map<String, Object>> sql(String query) throws Exception {
        CliRun.Result result = CliRun.run(env, "sql", query, "--format", "json");
        assertEquals(0, result.exitCode(), result.everything());
        return CliRun.jsonRows(result.out());
    }

    private List<SimulatedSample> succeeded() {
        return truth.samples().stream().filter(s -> s.finalState().equals("succ")).toList();
    }

    private List<String> alertLines() throws Exception {
        return Files.readAllLines(dataDir.resolve("alerts.jsonl"));
    }

    private static String sampleIdOf(String line) {
        return line.substring("{\"sample_id\":\"".length(), "{\"sample_id\":\"".length() + 32);
    }

    @Test
    void highThreatSamplesAreAlertedOnceToTheFileAndTheWebhookThroughWebhookFailuresAndRestarts() throws Exception {
        List<Integer> scores = succeeded().stream().map(s -> s.analysis().threatScore()).sorted().toList();
        int minimum = scores.get(scores.size() / 2);
        Set<String> alerting = succeeded().stream().filter(s -> s.analysis().threatScore() >= minimum)
                .map(SimulatedSample::id).collect(Collectors.toSet());
        assertTrue(alerting.size() >= 2 && alerting.size() < succeeded().size(), "scores: " + scores);
        List<String> settings = new ArrayList<>(List.of("--set", "harvester.alert.min-threat-score=" + minimum,
                "--set", "harvester.alert.webhook-url=http://127.0.0.1:" + webhook.getPort() + "/hooks/soc"));
        settings.addAll(QUICK_RETRIES);
        webhook.stubFor(post(urlPathEqualTo("/hooks/soc")).willReturn(aResponse().withStatus(500)));

        CliRun.Result first = runOnce(settings);

        List<String> lines = alertLines();
        assertEquals(alerting, lines.stream().map(AnalyzersEndToEndTest::sampleIdOf).collect(Collectors.toSet()));
        assertEquals(alerting.size(), lines.size(), "one line per alerting sample");
        assertEquals(Map.of("failed", (long) alerting.size(), "done", (long) (succeeded().size() - alerting.size())),
                statusCounts("alert"), "a failed POST leaves the sample's alert to be retried");
        assertTrue(first.logs().contains("answered HTTP 500"), first.logs());
        harvestIsComplete();

        webhook.stubFor(post(urlPathEqualTo("/hooks/soc")).willReturn(aResponse().withStatus(200)));
        runOnce(settings);

        assertEquals(lines, alertLines(), "the retry wrote no second line");
        List<LoggedRequest> posts = webhook.findAll(postRequestedFor(urlPathEqualTo("/hooks/soc")));
        assertEquals(2 * alerting.size(), posts.size(), "each alert POSTed once failing and once answered");
        Map<String, Long> bodies = posts.stream().collect(Collectors.groupingBy(LoggedRequest::getBodyAsString,
                Collectors.counting()));
        assertEquals(lines.stream().collect(Collectors.toMap(line -> line, line -> 2L)), bodies,
                "every POST carried its sample's line of alerts.jsonl");
        assertEquals(Map.of("done", (long) succeeded().size()), statusCounts("alert"));
        assertEquals(alerting, sql("SELECT sample_id FROM analyzer_tags WHERE analyzer = 'alert' AND tag = 'alert'")
                .stream().map(row -> (String) row.get("sample_id")).collect(Collectors.toSet()));

        runOnce(settings);
        assertEquals(lines, alertLines(), "a restart raises no alert again");
        assertEquals(2 * alerting.size(), webhook.findAll(postRequestedFor(urlPathEqualTo("/hooks/soc"))).size());
    }

    /** Rows of analyzer_results of {@code analyzer} counted by status. */
    private Map<String, Long> statusCounts(String analyzer) throws Exception {
        Map<String, Long> counts = new HashMap<>();
        sql("SELECT status, COUNT(*) AS n FROM analyzer_results WHERE analyzer = '" + analyzer + "' GROUP BY status")
                .forEach(row -> counts.put((String) row.get("status"), ((Number) row.get("n")).longValue()));
        return counts;
    }

    /** Writes one row per downloaded artifact with its size, and tags samples whose capture it was given. */
    private static final String SIZES = """
            package example;
            import io.tgharvester.analyze.*;
            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.util.*;
            public final class ArtifactSizes implements SampleAnalyzer {
                public String name() { return "artifact-sizes"; }
                public AnalyzerResult analyze(AnalyzedSample sample) throws Exception {
                    AnalyzerResult result = sample.artifacts().containsKey("network.pcap")
                            ? AnalyzerResult.tagged("has-pcap") : AnalyzerResult.none();
                    for (Map.Entry<String, Path> artifact : new TreeMap<>(sample.artifacts()).entrySet()) {
                        Map<String, String> row = new LinkedHashMap<>();
                        row.put("artifact", artifact.getKey());
                        row.put("bytes", Long.toString(Files.size(artifact.getValue())));
                        result = result.withRow(row);
                    }
                    return result;
                }
            }
            """;

    private static final String BROKEN = """
            package example;
            import io.tgharvester.analyze.*;
            public final class Broken implements SampleAnalyzer {
                public String name() { return "broken"; }
                public AnalyzerResult analyze(AnalyzedSample sample) {
                    throw new IllegalStateException("cannot reach the sandbox of " + sample.sample().id());
                }
            }
            """;

    @Test
    void aPluginJarInThePluginsDirAnalyzesEverySampleWhileAThrowingOneIsRetriedAndLeftBehind() throws Exception {
        PluginJar.build(pluginsDir.resolve("artifact-sizes.jar"), Map.of("example.ArtifactSizes", SIZES),
                List.of("example.ArtifactSizes"));
        PluginJar.build(pluginsDir.resolve("broken.jar"), Map.of("example.Broken", BROKEN),
                List.of("example.Broken", "example.NotThere"));
        List<String> settings = new ArrayList<>(List.of("--set", "harvester.plugins-dir=" + pluginsDir,
                "--set", "harvester.analyze.attempts=2"));
        settings.addAll(QUICK_RETRIES);

        CliRun.Result first = runOnce(settings);

        assertTrue(first.logs().contains("event=analyzer-loaded analyzer=artifact-sizes"), first.logs());
        assertTrue(first.logs().contains("Provider example.NotThere not found"), first.logs());
        Set<List<Object>> sizes = Set.copyOf(sql("""
                SELECT r1.sample_id, r1.value_text AS artifact, CAST(r2.value_text AS BIGINT) AS bytes
                FROM analyzer_rows r1 JOIN analyzer_rows r2 ON r2.sample_id = r1.sample_id
                    AND r2.analyzer = r1.analyzer AND r2.row_no = r1.row_no AND r2.field = 'bytes'
                WHERE r1.analyzer = 'artifact-sizes' AND r1.field = 'artifact'""").stream()
                .map(row -> List.<Object>of(row.get("sample_id"), row.get("artifact"), row.get("bytes"))).toList());
        Set<List<Object>> downloaded = Set.copyOf(sql(
                "SELECT sample_id, name, bytes FROM artifacts WHERE status = 'done'").stream()
                .map(row -> List.<Object>of(row.get("sample_id"), row.get("name"), row.get("bytes"))).toList());
        assertEquals(downloaded, sizes, "the plugin read every downloaded file, and its rows were stored");
        assertEquals(succeeded().stream().filter(SimulatedSample::hasPcap).map(SimulatedSample::id)
                        .collect(Collectors.toSet()),
                sql("SELECT sample_id FROM analyzer_tags WHERE analyzer = 'artifact-sizes' AND tag = 'has-pcap'")
                        .stream().map(row -> row.get("sample_id")).collect(Collectors.toSet()));
        assertEquals(Map.of("failed", (long) succeeded().size()), statusCounts("broken"));
        assertTrue(first.logs().contains("event=analyzer-failed analyzer=broken"), first.logs());
        harvestIsComplete();

        runOnce(settings);
        List<Map<String, Object>> done = sql("SELECT sample_id, finished_at FROM analyzer_results"
                + " WHERE analyzer = 'artifact-sizes' ORDER BY sample_id");
        assertEquals(succeeded().size(), done.size());
        assertEquals(Map.of("given_up", (long) succeeded().size()), statusCounts("broken"),
                "retried once more, then given up after harvester.analyze.attempts");
        assertEquals(List.of(Map.of("attempts", 2, "last_error", "IllegalStateException: cannot reach the sandbox of "
                + succeeded().get(0).id())), sql("SELECT attempts, last_error FROM analyzer_results"
                + " WHERE analyzer = 'broken' AND sample_id = '" + succeeded().get(0).id() + "'").stream()
                .map(row -> Map.of("attempts", ((Number) row.get("attempts")).intValue(), "last_error",
                        row.get("last_error"))).toList());

        runOnce(settings);
        assertEquals(Set.of(2L), Set.copyOf(sql("SELECT attempts FROM analyzer_results WHERE analyzer = 'broken'")
                .stream().map(row -> ((Number) row.get("attempts")).longValue()).toList()), "no call after that");
        assertEquals(done, sql("SELECT sample_id, finished_at FROM analyzer_results"
                + " WHERE analyzer = 'artifact-sizes' ORDER BY sample_id"), "a done sample is never analyzed again");
    }

    private void harvestIsComplete() throws Exception {
        try (Database db = Database.open(dataDir)) {
            HarvestCheck.matchesGroundTruth(new Queries(db), truth, clock.instant(), dataDir);
        }
    }
}
