package io.tgharvester.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.tgharvester.ChildHarvester;
import io.tgharvester.Leaks;
import io.tgharvester.TgJson;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Positive controls for the key-leak scans of {@link FaultInjectionTest}, {@link RunOnceCommandTest} and the soak:
 * finding nothing proves something only if the same scan finds a value that is there. Each test plants a known
 * value where a leaked key would land (a text column of the H2 file, written by the normal store; log lines; the
 * one-line error; a child JVM's log file) and runs the scan those tests run.
 */
class LeakScanControlTest {
    private static final String KEY = "control-test-key";
    private static final String PLANTED = "PLANTED-7c1e9a42d0";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @TempDir
    Path dataDir;

    private Map<String, String> env() {
        return Map.of("TG_API_KEY", KEY, "TG_BASE_URL", wm.baseUrl(), "TG_DATA_DIR", dataDir.toString());
    }

    /**
     * H2 2.x keeps text columns as plain bytes in its file (its MVStore compresses nothing unless the URL asks for
     * COMPRESS, and the harvester's does not), so a byte scan of the data dir sees any string the store wrote.
     */
    @Test
    void theDataDirScanFindsAValueTheStoreWroteIntoTheDatabaseFile() throws Exception {
        Instant submitted = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(okJson(TgJson.page(0, 100, List.of(
                TgJson.sample(TgJson.id(1), "run", "\"" + PLANTED + "\"", submitted, null))))));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/state")).willReturn(okJson(TgJson.states(List.of()))));

        assertEquals(0, CliRun.run(env(), "run", "--once").exitCode());

        assertTrue(Leaks.filesContaining(PLANTED, dataDir, List.of()).contains(dataDir.resolve("harvester.mv.db")),
                "the login, stored as text, is found in the H2 file");
        assertTrue(CliRun.anyFileContains(dataDir, PLANTED));
        assertFalse(CliRun.anyFileContains(dataDir, "PLANTED-never-stored"), "and only what is there");
    }

    @Test
    void theOutputAndLogScansSeeWhatTheHarvesterPrintsAndLogs() throws Exception {
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(aResponse().withStatus(503)
                .withBody(TgJson.error(503, "maintenance " + PLANTED))));

        // The server never recovers here: the default patience (2m) would only make each run wait longer.
        CliRun.Result inProcess = CliRun.run(env(), "run", "--once", "--set", "harvester.once.patience=1s");
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        Process child = ChildHarvester.start(dataDir, log, wm.baseUrl(), KEY, "run", "--once",
                "--set", "harvester.once.patience=1s");
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));

        assertEquals(4, inProcess.exitCode());
        assertTrue(inProcess.err().contains(PLANTED), "the one-line error: " + inProcess.err());
        assertTrue(inProcess.logs().contains(PLANTED), "the captured log lines: " + inProcess.logs());
        assertTrue(inProcess.everything().contains(PLANTED));
        assertTrue(Leaks.filesContaining(PLANTED, dataDir, List.of(log)).contains(log),
                "a child JVM's log file, scanned beside the data dir, as the soak does");
    }
}
