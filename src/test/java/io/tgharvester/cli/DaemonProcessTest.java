package io.tgharvester.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.tgharvester.TgJson;
import io.tgharvester.store.Database;
import io.tgharvester.store.Queries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
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

    static Process startHarvester(Path dataDir, Path log, String baseUrl, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dh2.bindAddress=127.0.0.1",
                Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("TG_API_KEY", "daemon-test-key");
        builder.environment().put("TG_BASE_URL", baseUrl);
        builder.environment().put("TG_DATA_DIR", dataDir.toString());
        return builder.start();
    }

    static void awaitLog(Path log, String text, Process process) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (!Files.readString(log).contains(text)) {
            assertTrue(process.isAlive(), "harvester died:\n" + Files.readString(log));
            assertTrue(Instant.now().isBefore(deadline), "no '" + text + "' in:\n" + Files.readString(log));
            Thread.sleep(100);
        }
    }

    @Test
    void sigtermStopsTheDaemonCleanlyAndReleasesTheDataDir() throws Exception {
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(okJson(TgJson.page(0, 100, List.of(
                TgJson.sample(1, "run", "gus", Instant.now().minus(1, ChronoUnit.HOURS)))))));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/state")).willReturn(okJson(TgJson.states(List.of()))));
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");

        Process daemon = startHarvester(dataDir, log, wm.baseUrl(), "run",
                "--set", "harvester.fetch-interval=300ms", "--set", "harvester.state-interval=300ms");
        awaitLog(log, "event=fetch", daemon);
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
