package io.tgharvester.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code config show}: every key with the source that won, in process, and no secret in anything it prints. */
class ConfigShowCommandTest {
    private static final List<String> PLANTED = List.of("planted-env-key-8f3a", "planted-flag-key-91c2",
            "planted-proxy-pass-5d7e", "planted-url-key-2b6f", "planted-hook-path-c41d", "planted-hook-query-7e09",
            "planted-hook-pass-3a88");

    @TempDir
    Path dir;

    private static Map<String, Map<String, Object>> byKey(CliRun.Result result) throws IOException {
        assertEquals(0, result.exitCode(), result.everything());
        return CliRun.jsonRows(result.out()).stream()
                .collect(Collectors.toMap(row -> (String) row.get("key"), Function.identity()));
    }

    @Test
    void eachKeyShowsTheSourceThatWonInTheOrderDefaultFileEnvironmentFlag() throws IOException {
        Path file = Files.writeString(dir.resolve("site.properties"),
                "harvester.fetch-interval=10s\nharvester.state-interval=2m\nharvester.page-size=50\n");

        Map<String, Map<String, Object>> shown = byKey(CliRun.run(
                Map.of("HARVESTER_STATE_INTERVAL", "90s", "HARVESTER_PAGE_SIZE", "200"),
                "config", "show", "--config", file.toString(), "--set", "harvester.page-size=300", "--format", "json"));

        assertEquals(Map.of("key", "harvester.download-interval", "value", "15s", "source", "default",
                "from", "packaged defaults"), shown.get("harvester.download-interval"));
        assertEquals(Map.of("key", "harvester.fetch-interval", "value", "10s", "source", "file",
                "from", file.toString()), shown.get("harvester.fetch-interval"));
        assertEquals(Map.of("key", "harvester.state-interval", "value", "90s", "source", "env",
                "from", "HARVESTER_STATE_INTERVAL"), shown.get("harvester.state-interval"));
        assertEquals(Map.of("key", "harvester.page-size", "value", "300", "source", "flag", "from", "--set"),
                shown.get("harvester.page-size"));
    }

    @Test
    void noSecretIsPrintedInAnyFormatWhereverItWasSet() throws IOException {
        Path file = Files.writeString(dir.resolve("site.properties"),
                "harvester.proxy=http://ops:" + PLANTED.get(2) + "@127.0.0.1:3128\n"
                        + "tg.base-url=https://tg.example/?api_key=" + PLANTED.get(3) + "\n"
                        + "harvester.alert.min-threat-score=90\n"
                        + "harvester.alert.webhook-url=https://ops:" + PLANTED.get(6) + "@hooks.example/services/"
                        + PLANTED.get(4) + "?token=" + PLANTED.get(5) + "\n");
        Map<String, String> env = Map.of("TG_API_KEY", PLANTED.get(0));

        for (String format : List.of("table", "csv", "json", "jsonl")) {
            for (List<String> flags : List.of(List.<String>of(), List.of("--set", "tg.api-key=" + PLANTED.get(1)))) {
                List<String> args = new java.util.ArrayList<>(List.of("config", "show", "--config", file.toString(),
                        "--format", format));
                args.addAll(flags);
                CliRun.Result result = CliRun.run(env, args.toArray(String[]::new));

                assertEquals(0, result.exitCode(), result.everything());
                for (String secret : PLANTED) {
                    assertFalse(result.everything().contains(secret), secret + " printed in " + format);
                }
                assertTrue(result.out().contains("http://***@127.0.0.1:3128"), result.out());
                assertTrue(result.out().contains("https://***@hooks.example/***"), result.out());
            }
        }
        Map<String, Map<String, Object>> withHook = byKey(CliRun.run(env, "config", "show", "--config",
                file.toString(), "--format", "json"));
        assertEquals(Map.of("key", "harvester.alert.webhook-url", "value", "https://***@hooks.example/***",
                "source", "file", "from", file.toString()), withHook.get("harvester.alert.webhook-url"));
        assertEquals(Map.of("key", "harvester.alert.webhook-timeout", "value", "10s", "source", "default",
                "from", "packaged defaults"), withHook.get("harvester.alert.webhook-timeout"));
        Map<String, Map<String, Object>> shown = byKey(CliRun.run(env, "config", "show", "--format", "json"));
        assertEquals("***", shown.get("tg.api-key").get("value"));
        assertEquals("TG_API_KEY", shown.get("tg.api-key").get("from"), "where the key comes from is no secret");
    }

    @Test
    void connectionKeysShowWithTheirSourcesAndTheirKeysAndProxyCredentialsHidden() throws IOException {
        Path file = Files.writeString(dir.resolve("site.properties"),
                "tg.connections.eu.base-url=https://panacea.threatgrid.eu\n"
                        + "tg.connections.eu.api-key=" + PLANTED.get(1) + "\n"
                        + "tg.connections.eu.proxy=http://127.0.0.1:3128\n"
                        + "tg.connections.eu.proxy-credentials=ops:" + PLANTED.get(2) + "\n");
        Map<String, String> env = Map.of("TG_CONNECTIONS_EU_API_KEY", PLANTED.get(0));

        CliRun.Result table = CliRun.run(env, "config", "show", "--config", file.toString());
        Map<String, Map<String, Object>> shown = byKey(CliRun.run(env, "config", "show", "--config", file.toString(),
                "--format", "json"));

        assertEquals(0, table.exitCode(), table.everything());
        for (String secret : PLANTED) {
            assertFalse(table.everything().contains(secret), secret + " printed");
        }
        assertEquals(Map.of("key", "tg.connections.eu.base-url", "value", "https://panacea.threatgrid.eu",
                "source", "file", "from", file.toString()), shown.get("tg.connections.eu.base-url"));
        assertEquals(Map.of("key", "tg.connections.eu.api-key", "value", "***", "source", "env",
                "from", "TG_CONNECTIONS_EU_API_KEY"), shown.get("tg.connections.eu.api-key"));
        assertEquals(Map.of("key", "tg.connections.eu.proxy-credentials", "value", "***", "source", "file",
                "from", file.toString()), shown.get("tg.connections.eu.proxy-credentials"));
        assertEquals("", shown.get("harvester.proxy-credentials").get("value"), "unset stays empty");
    }

    @Test
    void anInvalidValueIsShownThenRefusedWithExitTwoAndOneLineNamingItsKey() {
        CliRun.Result result = CliRun.run(Map.of("HARVESTER_PAGE_SIZE", "lots"), "config", "show");

        assertEquals(2, result.exitCode(), result.everything());
        assertTrue(result.out().contains("harvester.page-size") && result.out().contains("lots"), result.out());
        assertEquals(List.of("tg-harvester: harvester.page-size: 'lots' is not a whole number from 1 to 1000"),
                result.err().lines().toList());
    }
}
