package io.tgharvester.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.tgharvester.ChildHarvester;
import io.tgharvester.TgJson;
import io.tgharvester.store.Database;
import io.tgharvester.store.Queries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A real harvester JVM stopped in the middle of a download (kill -9, SIGTERM), then restarted. */
class KillDuringDownloadTest {
    private static final String ARTIFACTS = "/api/v2/samples/[0-9a-f]{32}/.*";
    private static final byte[] BODY = new byte[2 * 1024 * 1024];

    static {
        Arrays.fill(BODY, (byte) 'x');
    }

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @TempDir
    Path dataDir;

    private void stubSamples() {
        Instant submitted = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        List<String> items = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            items.add(TgJson.sample(TgJson.id(n), "succ", "\"hal\"", submitted, submitted.plusSeconds(60)));
        }
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(okJson(TgJson.page(0, 100, items))));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/state")).willReturn(okJson(TgJson.states(List.of()))));
    }

    private List<Path> files(String suffix) throws Exception {
        Path root = dataDir.resolve("artifacts");
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
        }
    }

    @Test
    void aHarvesterKilledMidDownloadLeavesNoHalfFileAndTheNextRunCompletesEverything() throws Exception {
        stubSamples();
        wm.stubFor(get(urlPathMatching(ARTIFACTS))
                .willReturn(aResponse().withBody(BODY).withChunkedDribbleDelay(40, 8000)));
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");

        Process harvester = ChildHarvester.start(dataDir, log, wm.baseUrl(), "kill-test-key", "run", "--once");
        ChildHarvester.awaitDownload(dataDir, log, harvester);
        harvester.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
        assertTrue(harvester.waitFor(10, TimeUnit.SECONDS));

        assertTrue(files(".json").isEmpty() && files(".pcap").isEmpty() && files(".webm").isEmpty(),
                "a file under its final name after the kill must be complete, and none completed yet");

        wm.resetAll();
        stubSamples();
        wm.stubFor(get(urlPathMatching(ARTIFACTS)).willReturn(aResponse().withBody(BODY)));
        Process restarted = ChildHarvester.start(dataDir, log, wm.baseUrl(), "kill-test-key", "run", "--once");
        assertTrue(restarted.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, restarted.exitValue(), Files.readString(log));

        assertEquals(List.of(), files(".part"), "leftovers are cleaned at start");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(BODY));
        try (Database db = Database.open(dataDir)) {
            assertEquals(List.of(List.of(12L, 12L)), new Queries(db).userQuery(
                    "SELECT COUNT(*), SUM(CASE WHEN sha256 = '" + sha + "' AND bytes = " + BODY.length
                            + " THEN 1 ELSE 0 END) FROM artifacts WHERE status = 'done'").rows());
            assertEquals(List.of(List.of(3L)), new Queries(db).userQuery("SELECT COUNT(*) FROM samples").rows());
        }
        for (Path file : files("")) {
            if (Files.isRegularFile(file)) {
                assertEquals(BODY.length, Files.size(file), file.toString());
            }
        }
    }

    @Test
    void sigtermDuringADownloadStopsPromptlyLeavesNoPartialFileAndResumesNextStart() throws Exception {
        stubSamples();
        wm.stubFor(get(urlPathMatching(ARTIFACTS))
                .willReturn(aResponse().withBody(BODY).withChunkedDribbleDelay(100, 20_000)));
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");

        Process daemon = ChildHarvester.start(dataDir, log, wm.baseUrl(), "kill-test-key", "run");
        ChildHarvester.awaitDownload(dataDir, log, daemon);
        Instant stopAsked = Instant.now();
        daemon.destroy(); // SIGTERM
        assertTrue(daemon.waitFor(15, TimeUnit.SECONDS), "SIGTERM did not stop the daemon");

        assertTrue(java.time.Duration.between(stopAsked, Instant.now()).toSeconds() < 10,
                "the 20 s download was interrupted, not waited for");
        assertTrue(Files.readString(log).contains("event=download-stopped"), Files.readString(log));
        assertEquals(List.of(), files(".part"));
        try (Database db = Database.open(dataDir)) {
            assertEquals(List.of(List.of(0L)), new Queries(db).userQuery(
                    "SELECT COUNT(*) FROM artifacts WHERE status <> 'pending'").rows(), "an interrupted download is"
                    + " not a failure");
        }

        wm.resetAll();
        stubSamples();
        wm.stubFor(get(urlPathMatching(ARTIFACTS)).willReturn(aResponse().withBody(BODY)));
        Process restarted = ChildHarvester.start(dataDir, log, wm.baseUrl(), "kill-test-key", "run", "--once");
        assertTrue(restarted.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, restarted.exitValue(), Files.readString(log));
        try (Database db = Database.open(dataDir)) {
            assertEquals(List.of(List.of(12L)), new Queries(db).userQuery(
                    "SELECT COUNT(*) FROM artifacts WHERE status = 'done'").rows());
        }
    }
}
