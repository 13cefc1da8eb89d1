package io.tgharvester.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.config.ConfigException;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.metrics.HarvestMetrics;
import io.tgharvester.report.ReportFixtures;
import io.tgharvester.store.Database;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who gets in: loopback without a token, the token as bearer or through the login form's cookie otherwise. */
class ConsoleAccessTest {
    private static final String TOKEN = "0123456789abcdef-console-token";

    @TempDir
    Path dataDir;
    private Database reader;

    @BeforeEach
    void harvest() {
        ReportFixtures.storeHandCounted(dataDir);
    }

    private ConsoleServer start(Map<String, String> settings, String bind) {
        HarvesterConfig config = ConsoleHarvest.config(dataDir, settings);
        reader = Database.openReadOnly(dataDir);
        return ConsoleServer.start(config, config.console().at(bind, 0), reader, HarvestMetrics.of(reader),
                Optional.empty(), Clock.systemUTC());
    }

    @AfterEach
    void closeReader() {
        if (reader != null) {
            reader.close();
        }
    }

    @Test
    void aConsoleOffLoopbackWithoutATokenRefusesToStart() {
        ConfigException refused = assertThrows(ConfigException.class, () -> start(Map.of(), "0.0.0.0"));

        assertEquals("the console would listen on 0.0.0.0, which is not loopback: set harvester.console.token"
                + " (HARVESTER_CONSOLE_TOKEN, 16 characters or more) so that only holders of it get in, or bind to"
                + " 127.0.0.1", refused.getMessage());
        ConfigException tooShort = assertThrows(ConfigException.class,
                () -> ConsoleHarvest.config(dataDir, Map.of("harvester.console.token", "secret")));
        assertTrue(tooShort.getMessage().startsWith("harvester.console.token must be at least 16 characters"));
        assertFalse(ConsoleHarvest.config(dataDir, Map.of("harvester.console.token", TOKEN)).toString()
                .contains(TOKEN), "the configuration never prints the token");
    }

    @Test
    void withATokenEveryRequestNeedsItAsBearer() throws Exception {
        try (ConsoleServer console = start(Map.of("harvester.console.token", TOKEN), "127.0.0.1")) {
            ConsoleClient client = new ConsoleClient(console.port());
            for (String target : List.of("/", "/samples", "/users", "/find?kind=ioc&value=x", "/metrics", "/healthz",
                    "/samples/" + "%032x".formatted(1) + "/artifacts/analysis.json")) {
                HttpResponse<String> refused = client.get(target);
                assertEquals(401, refused.statusCode(), target);
                assertEquals("Bearer realm=\"tg-harvester console\"",
                        refused.headers().firstValue("WWW-Authenticate").orElseThrow());
                assertFalse(refused.body().contains("alice"), "nothing of the harvest: " + target);
                assertEquals(401, client.get(target, "Authorization", "Bearer " + TOKEN + "x").statusCode());
                assertEquals(target.contains("artifacts") ? 404 : target.equals("/healthz") ? 503 : 200,
                        client.get(target, "Authorization", "bearer " + TOKEN).statusCode(), target);
            }
            assertTrue(client.get("/").body().contains("<form class=\"login\" method=\"post\" action=\"/login\">"),
                    "a browser is shown the login form");
            assertEquals(200, client.get("/static/console.css").statusCode(), "the login form's style needs no token");
        }
    }

    @Test
    void theLoginFormSetsASessionCookieThatOpensTheConsole() throws Exception {
        try (ConsoleServer console = start(Map.of("harvester.console.token", TOKEN), "127.0.0.1")) {
            ConsoleClient client = new ConsoleClient(console.port());
            HttpResponse<String> wrong = client.post("/login", "token=guess-guess-guess-guess&next=%2Fsamples");
            assertEquals(401, wrong.statusCode());
            assertTrue(wrong.body().contains("That is not the console's token."), wrong.body());
            assertTrue(wrong.headers().firstValue("Set-Cookie").isEmpty());

            HttpResponse<String> right = client.post("/login", "token=" + TOKEN + "&next=%2Fsamples%3Flogin%3Dalice");
            assertEquals(303, right.statusCode());
            assertEquals("/samples?login=alice", right.headers().firstValue("Location").orElseThrow());
            String cookie = right.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(cookie.startsWith(ConsoleAccess.COOKIE + "=") && cookie.contains("; HttpOnly")
                    && cookie.contains("; SameSite=Strict") && !cookie.contains(TOKEN), cookie);
            String session = cookie.substring(0, cookie.indexOf(';'));
            HttpResponse<String> samples = client.get("/samples?login=alice", "Cookie", "theme=dark; " + session);
            assertEquals(200, samples.statusCode());
            assertTrue(samples.body().contains("6 samples match."), samples.body());
            assertEquals(401, client.get("/", "Cookie", session + "x").statusCode());

            HttpResponse<String> elsewhere = client.post("/login", "token=" + TOKEN + "&next=%2F%2Fevil.example%2F");
            assertEquals("/", elsewhere.headers().firstValue("Location").orElseThrow(), "never off to another site");
        }
    }

    @Test
    void withoutATokenOnlyRequestsToALoopbackNameAreAnswered() throws Exception {
        try (ConsoleServer console = start(Map.of(), "127.0.0.1")) {
            assertEquals("HTTP/1.1 200 OK", statusLine(console.port(), "localhost:" + console.port()));
            assertEquals("HTTP/1.1 200 OK", statusLine(console.port(), "127.0.0.1:" + console.port()));
            assertEquals("HTTP/1.1 200 OK", statusLine(console.port(), "[::1]:" + console.port()));
            assertEquals("HTTP/1.1 403 Forbidden", statusLine(console.port(), "rebound.example:" + console.port()),
                    "a page whose name was pointed at 127.0.0.1 reads nothing");
            assertEquals("HTTP/1.1 403 Forbidden", statusLine(console.port(), "127.0.0.1.evil.example"));
        }
        assertFalse(ConsoleAccess.loopbackName("[fe80::1]:8080"));
        assertTrue(ConsoleAccess.loopbackName("127.1.2.3"));
    }

    /** The status line of a GET / sent by hand, with a Host header no HTTP client library lets a test choose. */
    private static String statusLine(int port, String host) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return answer.substring(0, answer.indexOf("\r\n"));
        }
    }
}
