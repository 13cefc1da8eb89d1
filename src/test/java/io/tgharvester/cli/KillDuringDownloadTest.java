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
        stubSamples(3);
    }

    private void stubSamples(int count) {
        Instant submitted = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        List<String> items = new ArrayList<>();
        for (int n = 1; n <= count; n++) {
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

    /**
     * Many small artifacts keep the group commit busy all the time (each group: fsync the files, rename them, fsync
     * their directories, one transaction), so each kill lands among commits under way; after every kill, what is on
     * disk and in the database must keep the promise, and a last run completes the harvest.
     */
    @Test
    void killsWhileGroupCommitsAreUnderWayBreakNoPromise() throws Exception {
        byte[] small = Arrays.copyOf(BODY, 64 * 1024);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(small));
        stubSamples(40);
        wm.stubFor(get(urlPathMatching(ARTIFACTS)).willReturn(aResponse().withBody(small).withFixedDelay(10)));
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");

        for (int kill = 1; kill <= 3; kill++) {
            Process harvester = ChildHarvester.start(dataDir, log, wm.baseUrl(), "kill-test-key", "run", "--once");
            awaitCommitsUnderWay(harvester, log);
            harvester.destroyForcibly();
            assertTrue(harvester.waitFor(10, TimeUnit.SECONDS));
            for (Path file : files("")) {
                if (Files.isRegularFile(file) && !file.getFileName().toString().endsWith(".part")) {
                    assertEquals(small.length, Files.size(file), "a file under its final name is whole: " + file);
                }
            }
            try (Database db = Database.open(dataDir)) {
                List<List<Object>> done = new Queries(db).userQuery(
                        "SELECT path, sha256, bytes FROM artifacts WHERE status = 'done'").rows();
                for (List<Object> row : done) {
                    Path file = dataDir.resolve((String) row.get(0));
                    assertTrue(Files.exists(file), "a done row's file is there: " + file);
                    assertEquals(sha, row.get(1));
                    assertEquals((long) small.length, row.get(2));
                }
                assertTrue(done.size() < 160, "kill " + kill + " came before the harvest was complete");
            }
        }

        Process last = ChildHarvester.start(dataDir, log, wm.baseUrl(), "kill-test-key", "run", "--once");
        assertTrue(last.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, last.exitValue(), Files.readString(log));
        assertEquals(List.of(), files(".part"));
        try (Database db = Database.open(dataDir)) {
            assertEquals(List.of(List.of(160L, 160L)), new Queries(db).userQuery(
                    "SELECT COUNT(*), SUM(CASE WHEN sha256 = '" + sha + "' THEN 1 ELSE 0 END) FROM artifacts"
                            + " WHERE status = 'done'").rows());
        }
    }

    /** Some artifacts are under their final names and others still in flight: groups are being committed. */
    private void awaitCommitsUnderWay(Process harvester, Path log) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (ChildHarvester.partFiles(dataDir).isEmpty() || ChildHarvester.artifactFiles(dataDir).stream()
                .allMatch(p -> p.getFileName().toString().endsWith(".part"))) {
            if (!harvester.isAlive() || Instant.now().isAfter(deadline)) {
                throw new AssertionError("no commits under way within 30 s:\n" + Files.readString(log));
            }
            Thread.sleep(5);
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
