package io.tgharvester.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void packagedDefaultsAreTheDocumentedOnes() {
        HarvesterConfig config = new ConfigLoader(Map.of(), Optional.empty()).load(Optional.empty(), Map.of());

        assertEquals(URI.create("https://panacea.threatgrid.com"), config.baseUrl());
        assertEquals(Duration.ofSeconds(60), config.fetchInterval());
        assertEquals(Duration.ofMinutes(5), config.stateInterval());
        assertEquals(List.of("analysis.json", "processes.json", "network.pcap", "video.webm"), config.artifacts());
        assertEquals(Path.of("./data"), config.dataDir());
        assertEquals(Optional.empty(), config.apiKey());
        assertEquals(new HarvesterConfig.CallRetries(3, Duration.ofMillis(250), Duration.ofSeconds(5)),
                config.callRetries());
    }

    @Test
    void fileThenEnvironmentThenFlagsEachWin() throws IOException {
        Path file = Files.writeString(dir.resolve("h.properties"),
                "harvester.fetch-interval=10s\nharvester.state-interval=2m\nharvester.page-size=50\n");
        Map<String, String> env = Map.of("HARVESTER_STATE_INTERVAL", "90s", "TG_DATA_DIR", "/srv/tg",
                "HARVESTER_PAGE_SIZE", "200", "TG_API_KEY", "env-key");

        HarvesterConfig config = new ConfigLoader(env, Optional.empty())
                .load(Optional.of(file), Map.of("harvester.page-size", "300"));

        assertEquals(Duration.ofSeconds(10), config.fetchInterval(), "file over defaults");
        assertEquals(Duration.ofSeconds(90), config.stateInterval(), "environment over file");
        assertEquals(300, config.pageSize(), "flag over environment");
        assertEquals(Path.of("/srv/tg"), config.dataDir());
        assertEquals("env-key", config.requireApiKey().current().reveal());
    }

    @Test
    void theKeyCanComeFromAFileAndNeverShowsInToString() throws IOException {
        Path keyFile = Files.writeString(dir.resolve("key"), "file-key-123\n");

        HarvesterConfig config = new ConfigLoader(Map.of(), Optional.empty())
                .load(Optional.empty(), Map.of("tg.api-key-file", keyFile.toString()));

        assertEquals("file-key-123", config.requireApiKey().current().reveal());
        assertTrue(!config.toString().contains("file-key-123"), config.toString());
    }

    @Test
    void mistakesAreRefusedWithTheKeyInTheMessage() {
        ConfigLoader loader = new ConfigLoader(Map.of(), Optional.empty());

        assertTrue(assertThrows(ConfigException.class, () -> loader.load(Optional.empty(),
                Map.of("harvester.fetch-intervall", "1m"))).getMessage().contains("unknown configuration key"));
        assertTrue(assertThrows(ConfigException.class, () -> loader.load(Optional.empty(),
                Map.of("harvester.fetch-interval", "soon"))).getMessage().startsWith("harvester.fetch-interval"));
        assertTrue(assertThrows(ConfigException.class, () -> loader.load(Optional.empty(),
                Map.of("harvester.artifacts", "../x"))).getMessage().contains("plain file name"));
        assertTrue(assertThrows(ConfigException.class, () -> loader.load(Optional.empty(),
                Map.of("tg.base-url", "panacea"))).getMessage().startsWith("tg.base-url"));
        assertTrue(assertThrows(ConfigException.class, () -> loader.load(Optional.empty(),
                Map.of("harvester.retry.attempts", "0"))).getMessage().contains("from 1 to 10"));
        HarvesterConfig keyless = loader.load(Optional.empty(), Map.of());
        assertTrue(assertThrows(ConfigException.class, keyless::requireApiKey).getMessage().contains("TG_API_KEY"));
    }

    @Test
    void tlsTrustComesFromTheEnvironmentAndPinsAreReadInOkHttpsFormOrAsBareBase64() {
        String pin = "sha256/" + "A".repeat(43) + "=";
        String bare = "3lYdewCHrX9Y2qTCruTJIFKpI2TGRXl2zDye7JN3YNw=";
        HarvesterConfig config = new ConfigLoader(Map.of("TG_CA_FILE", "/etc/tg/appliance-ca.pem",
                "TG_PIN_SHA256", pin + " , " + bare), Optional.empty()).load(Optional.empty(), Map.of());

        assertEquals(Optional.of(Path.of("/etc/tg/appliance-ca.pem")), config.caFile());
        assertEquals(List.of(pin, "sha256/" + bare), config.pinsSha256());

        HarvesterConfig defaults = new ConfigLoader(Map.of(), Optional.empty()).load(Optional.empty(), Map.of());
        assertEquals(Optional.empty(), defaults.caFile());
        assertEquals(List.of(), defaults.pinsSha256());
        String wrong = assertThrows(ConfigException.class, () -> new ConfigLoader(Map.of(), Optional.empty())
                .load(Optional.empty(), Map.of("tg.pin-sha256", "sha1/AAAA"))).getMessage();
        assertTrue(wrong.startsWith("tg.pin-sha256: 'sha1/AAAA' is not a SHA-256 key pin"), wrong);
    }

    @Test
    void scheduledReportsAreOffByDefaultAndTheirCronAndZoneAreChecked() {
        ConfigLoader loader = new ConfigLoader(Map.of(), Optional.empty());

        assertTrue(loader.load(Optional.empty(), Map.of()).reportSchedule().isEmpty());
        assertEquals(Optional.of(new HarvesterConfig.ReportSchedule("0 0 6 * * ?", ZoneId.of("Europe/Berlin"),
                        Duration.ofDays(30))),
                loader.load(Optional.empty(), Map.of("harvester.report.schedule", "0 0 6 * * ?",
                        "harvester.report.zone", "Europe/Berlin", "harvester.report.period", "30d")).reportSchedule());
        assertEquals(ZoneId.systemDefault(), loader.load(Optional.empty(),
                Map.of("harvester.report.schedule", "0 0 6 * * ?")).reportSchedule().orElseThrow().zone());
        String badCron = assertThrows(ConfigException.class, () -> loader.load(Optional.empty(),
                Map.of("harvester.report.schedule", "0 6 * * *"))).getMessage();
        assertTrue(badCron.startsWith("harvester.report.schedule: '0 6 * * *' is not a Quartz cron expression"),
                badCron);
        assertTrue(assertThrows(ConfigException.class, () -> loader.load(Optional.empty(),
                Map.of("harvester.report.schedule", "0 0 6 * * ?", "harvester.report.zone", "Mars/Olympus")))
                .getMessage().contains("unknown time zone 'Mars/Olympus'"));
    }

    @Test
    void theAlertRuleIsOffUntilAMinimumScoreIsSetAndAWebhookNeedsOne() {
        ConfigLoader loader = new ConfigLoader(Map.of(), Optional.empty());

        HarvesterConfig.AnalyzerSettings defaults = loader.load(Optional.empty(), Map.of()).analyzers();
        assertEquals(new HarvesterConfig.AnalyzerSettings(Path.of("plugins"), 5, Duration.ofMinutes(1),
                Duration.ofHours(1), Duration.ofMinutes(2), Optional.empty()), defaults);
        assertEquals(Optional.of(new HarvesterConfig.AlertRule(90, Optional.of(URI.create("https://hooks.example/x")),
                        Duration.ofSeconds(10))),
                new ConfigLoader(Map.of("HARVESTER_ALERT_MIN_THREAT_SCORE", "90"), Optional.empty()).load(
                        Optional.empty(), Map.of("harvester.alert.webhook-url", "https://hooks.example/x"))
                        .analyzers().alert());
        assertTrue(assertThrows(ConfigException.class, () -> loader.load(Optional.empty(),
                Map.of("harvester.alert.min-threat-score", "101"))).getMessage().contains("from 0 to 100"));
        String webhookAlone = assertThrows(ConfigException.class, () -> loader.load(Optional.empty(),
                Map.of("harvester.alert.webhook-url", "https://hooks.example/x"))).getMessage();
        assertTrue(webhookAlone.startsWith("harvester.alert.webhook-url is set but harvester.alert.min-threat-score"
                + " is not"), webhookAlone);
        assertTrue(assertThrows(ConfigException.class, () -> loader.load(Optional.empty(),
                Map.of("harvester.alert.min-threat-score", "50", "harvester.alert.webhook-url", "ftp://h/x")))
                .getMessage().contains("only http and https"));
    }

    @Test
    void aWebhookUrlsSecretStaysOutOfItsErrorsAndOfTheAlertRulesText() {
        ConfigLoader loader = new ConfigLoader(Map.of("HARVESTER_ALERT_MIN_THREAT_SCORE", "90"), Optional.empty());

        String badPath = assertThrows(ConfigException.class, () -> loader.load(Optional.empty(),
                Map.of("harvester.alert.webhook-url", "https://hooks.example/services/s3cr3t tail"))).getMessage();
        String noScheme = assertThrows(ConfigException.class, () -> loader.load(Optional.empty(),
                Map.of("harvester.alert.webhook-url", "hooks.example/services/s3cr3t"))).getMessage();
        HarvesterConfig.AlertRule rule = loader.load(Optional.empty(), Map.of("harvester.alert.webhook-url",
                "https://ops:pa55@hooks.example:8443/services/s3cr3t?token=t0ken")).analyzers().alert().orElseThrow();

        assertEquals("harvester.alert.webhook-url: Illegal character in path at index 37: ***", badPath);
        assertEquals("harvester.alert.webhook-url: needs a scheme and a host, e.g. https://panacea.threatgrid.com: ***",
                noScheme);
        assertEquals("AlertRule[minThreatScore=90, webhookUrl=https://***@hooks.example:8443/***, webhookTimeout=10s]",
                rule.toString());
        assertEquals("tg.base-url: Illegal character in authority at index 8: https://tg example",
                assertThrows(ConfigException.class, () -> loader.load(Optional.empty(),
                        Map.of("tg.base-url", "https://tg example"))).getMessage(), "other URLs are shown as given");
    }

    @Test
    void durationsAcceptTheDocumentedUnits() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(2), Durations.parse("2s"));
        assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
        assertEquals(Duration.ofDays(7), Durations.parse("7d"));
        assertEquals("5m", Durations.format(Duration.ofMinutes(5)));
        assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("5 minutes"));
    }

    @Test
    void redactionRemovesKeysFromUrlsAndHeaders() {
        assertEquals("GET http://h/api/v2/samples?org_only=True&api_key=***&limit=5",
                Redaction.redact("GET http://h/api/v2/samples?org_only=True&api_key=s3cr3t&limit=5"));
        assertEquals("Authorization: bearer ***", Redaction.redact("Authorization: bearer s3cr3t"));
    }

    @Test
    void redactionRemovesProxyCredentialsFromUrlsAndHeaders() {
        assertEquals("Proxy-Authorization: Basic ***", Redaction.redact("Proxy-Authorization: Basic dTpwYXNz"));
        assertEquals("HTTPS_PROXY=http://***@proxy.example:3128 failed",
                Redaction.redact("HTTPS_PROXY=http://svc:p4ss@proxy.example:3128 failed"));
        assertEquals("asks for Basic): set it", Redaction.redact("asks for Basic): set it"));
    }
}
