package io.tgharvester.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.tgharvester.TgJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class RunOnceCommandTest {
    private static final String KEY = "SECRET-tg-key-5f2a9c71e0";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @TempDir
    Path dataDir;

    /** Output of one in-process command line, with everything logged while it ran. */
    record Run(int exitCode, String out, String err, String logs) {
    }

    private Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintStream realErr = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level level = root.getLevel();
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        root.setLevel(Level.DEBUG);
        try {
            int code = Main.run(env, new PrintWriter(out, true), new PrintWriter(err, true), args);
            return new Run(code, out.toString(), err.toString(), logs.toString(StandardCharsets.UTF_8));
        } finally {
            root.setLevel(level);
            System.setErr(realErr);
        }
    }

    private Map<String, String> env() {
        return Map.of("TG_API_KEY", KEY, "TG_BASE_URL", wm.baseUrl(), "TG_DATA_DIR", dataDir.toString());
    }

    @Test
    void oneHarvestPassStoresSamplesAndArtifactsAndTheKeyAppearsNowhere() throws IOException {
        Instant submitted = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        String id = TgJson.id(5);
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(okJson(TgJson.page(0, 100, List.of(
                TgJson.sample(id, "succ", "\"alice\"", submitted, submitted.plusSeconds(90)),
                TgJson.sample(6, "run", "bob", submitted))))));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/state")).willReturn(okJson(TgJson.states(List.of()))));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/" + id + "/analysis.json")).willReturn(okJson("{}")));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/" + id + "/processes.json")).willReturn(okJson("{}")));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/" + id + "/network.pcap"))
                .willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK)));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/" + id + "/video.webm"))
                .willReturn(aResponse().withStatus(404)));

        Run result = run(env(), "run", "--once", "--set", "tg.auth=query");

        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("samples 2 (run 1, succ 1)"), result.out());
        assertTrue(result.out().contains("artifacts done 2, absent 1, failed 1, pending 0"), result.out());
        wm.findAll(getRequestedFor(urlPathEqualTo("/api/v2/samples"))).forEach(r -> {
            assertEquals("True", r.queryParameter("org_only").firstValue());
            assertEquals(KEY, r.queryParameter("api_key").firstValue(), "query mode sends the key in the URL");
        });
        assertTrue(result.logs().contains("event=download-failed"), result.logs());
        assertFalse(result.logs().contains(KEY), "the key leaked into the logs:\n" + result.logs());
        assertFalse(result.out().contains(KEY) || result.err().contains(KEY));
        assertFalse(anyFileContains(dataDir, KEY), "the key leaked into the data dir");
    }

    @Test
    void aRefusedKeyExitsWithThreeAndOneClearLine() {
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(aResponse().withStatus(401)
                .withBody(TgJson.error(401, "invalid api_key " + KEY))));

        Run result = run(env(), "run", "--once");

        assertEquals(3, result.exitCode());
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().startsWith("tg-harvester: Threat Grid refused the API key (HTTP 401"),
                result.err());
        assertFalse((result.err() + result.logs() + result.out()).contains(KEY));
    }

    @Test
    void anUnavailableServerExitsWithFourAndKeepsWhatWasStored() {
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(aResponse().withStatus(503)));

        Run result = run(env(), "run", "--once");

        assertEquals(4, result.exitCode());
        assertTrue(result.err().contains("HTTP 503"), result.err());
    }

    @Test
    void aMissingKeyIsAConfigurationErrorThatSaysWhereToPutIt() {
        Run result = run(Map.of("TG_BASE_URL", wm.baseUrl(), "TG_DATA_DIR", dataDir.toString()), "run", "--once");

        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("no API key") && result.err().contains("TG_API_KEY"), result.err());
        assertEquals(0, wm.getAllServeEvents().size(), "nothing is sent without a key");
    }

    @Test
    void sqlAnswersReadQueriesAndRefusesWrites() {
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(okJson(TgJson.page(0, 100, List.of(
                TgJson.sample(1, "run", "carol", Instant.now().minus(1, ChronoUnit.HOURS)))))));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/state")).willReturn(okJson(TgJson.states(List.of()))));
        assertEquals(0, run(env(), "run", "--once").exitCode());

        Run csv = run(env(), "sql", "SELECT login, submissions FROM user_stats", "--format", "csv");
        assertEquals(0, csv.exitCode(), csv.err());
        assertEquals("login,submissions\r\ncarol,1\r\n", csv.out());

        Run refused = run(env(), "sql", "DELETE FROM samples");
        assertEquals(5, refused.exitCode());
        assertTrue(refused.err().contains("only read queries"), refused.err());
        assertEquals("login,submissions\r\ncarol,1\r\n",
                run(env(), "sql", "SELECT login, submissions FROM user_stats", "--format", "csv").out());
    }

    @Test
    void statusShowsStatesBacklogAndWatermark() {
        Instant submitted = Instant.parse("2026-11-20T10:00:00Z");
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(okJson(TgJson.page(0, 100, List.of(
                TgJson.sample(1, "wait", "carol", submitted))))));
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples/state")).willReturn(okJson(TgJson.states(List.of()))));
        run(env(), "run", "--once", "--set", "harvester.initial-lookback=3650d", "--set",
                "harvester.stale-after=3650d");

        Run status = run(env(), "status");

        assertEquals(0, status.exitCode(), status.err());
        assertTrue(status.out().contains("wait   1"), status.out());
        assertTrue(status.out().contains("watermark  2026-11-20T10:00:00Z"), status.out());
        assertTrue(status.out().contains("fetch"), status.out());
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : List.of("run", "status", "sql", "demo", "simulate")) {
            Run help = run(env(), command, "--help");
            assertEquals(0, help.exitCode(), command);
            assertTrue(help.out().startsWith("Usage: tg-harvester " + command), help.out());
        }
    }

    private static boolean anyFileContains(Path dir, String needle) throws IOException {
        byte[] bytes = needle.getBytes(StandardCharsets.UTF_8);
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile).forEach(files::add);
        }
        for (Path file : files) {
            byte[] content = Files.readAllBytes(file);
            outer:
            for (int i = 0; i + bytes.length <= content.length; i++) {
                for (int j = 0; j < bytes.length; j++) {
                    if (content[i + j] != bytes[j]) {
                        continue outer;
                    }
                }
                return true;
            }
        }
        return false;
    }
}
