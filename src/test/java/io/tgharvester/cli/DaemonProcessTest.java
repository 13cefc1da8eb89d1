package io.tgharvester.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The daemon as operators run it: a separate JVM, stopped with SIGTERM. */
class DaemonProcessTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @TempDir
    Path dataDir;

    @Test
    void sigtermStopsTheDaemonCleanlyAndReleasesTheDataDir() throws Exception {
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(okJson(TgJson.page(0, 100, List.of(
                TgJson.sample(1, "run", "gus", Instant.now().minus(1, ChronoUnit.HOURS)))))));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/state")).willReturn(okJson(TgJson.states(List.of()))));
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");

        Process daemon = ChildHarvester.start(dataDir, log, wm.baseUrl(), "daemon-test-key", "run",
                "--set", "harvester.fetch-interval=300ms", "--set", "harvester.state-interval=300ms");
        ChildHarvester.awaitLog(log, "event=fetch", daemon);
        CliRun.Result second = CliRun.run(Map.of("TG_API_KEY", "k", "TG_BASE_URL", wm.baseUrl(),
                "TG_DATA_DIR", dataDir.toString()), "run", "--once");
        assertEquals(5, second.exitCode(), "a second harvester on the same data dir is refused");
        assertTrue(second.err().contains("another tg-harvester is already harvesting")
                && second.err().contains("pid " + daemon.pid()), second.err());
        assertTrue(daemon.isAlive(), "the first harvester is unaffected");
        daemon.destroy(); // SIGTERM

        assertTrue(daemon.waitFor(30, TimeUnit.SECONDS), "the daemon did not stop on SIGTERM");
        assertEquals(143, daemon.exitValue(), "terminated by SIGTERM after running its shutdown hook");
        String output = Files.readString(log);
        assertTrue(output.contains("event=stopping") && output.contains("event=stopped"), output);
        try (Database db = Database.open(dataDir)) {
            assertEquals(List.of(List.of(1L)), new Queries(db).userQuery("SELECT COUNT(*) FROM samples").rows());
        }
    }
}
