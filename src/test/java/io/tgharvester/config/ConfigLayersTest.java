package io.tgharvester.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which layer set each key's value (for {@code config show}), and which values are shown hidden. */
class ConfigLayersTest {
    @TempDir
    Path dir;

    @Test
    void eachLayerOverridesTheOnesBeforeItAndIsNamedWithWhereItSetTheValue() throws IOException {
        String shipped = new String(ConfigLoader.class.getResourceAsStream("/harvester.properties").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        // Nothing is harvested here: the overlap and the other keys are moved off their defaults only to see which
        // layer each value comes from.
        Path installed = Files.writeString(dir.resolve("harvester.properties"), shipped
                .replace("harvester.fetch-interval=60s", "harvester.fetch-interval=30s")
                .replace("harvester.fetch-overlap=10m", "harvester.fetch-overlap=20m")
                .replace("harvester.state-interval=5m", "harvester.state-interval=4m")
                .replace("harvester.page-size=1000", "harvester.page-size=900"));
        // The --config file moves the fetch overlap again, for the same reason: to see that its layer wins.
        Path explicit = Files.writeString(dir.resolve("site.properties"),
                "harvester.fetch-overlap=15m\nharvester.state-interval=3m\nharvester.page-size=800\n");
        Map<String, String> env = Map.of("HARVESTER_STATE_INTERVAL", "2m", "HARVESTER_PAGE_SIZE", "700",
                "TG_DATA_DIR", "/srv/tg", "HARVESTER_NOT_A_KEY", "ignored");

        SortedMap<String, ConfiguredValue> values = new ConfigLoader(env, Optional.of(installed))
                .effective(Optional.of(explicit), Map.of("harvester.page-size", "600"));

        assertEquals(new ConfiguredValue("harvester.download-interval", "15s", ConfigSource.DEFAULT,
                "packaged defaults"), values.get("harvester.download-interval"));
        assertEquals(new ConfiguredValue("harvester.fetch-interval", "30s", ConfigSource.FILE, installed.toString()),
                values.get("harvester.fetch-interval"), "an edited installed file over the defaults");
        assertEquals(new ConfiguredValue("harvester.fetch-overlap", "15m", ConfigSource.FILE, explicit.toString()),
                values.get("harvester.fetch-overlap"), "--config over the installed file");
        assertEquals(new ConfiguredValue("harvester.state-interval", "2m", ConfigSource.ENV,
                "HARVESTER_STATE_INTERVAL"), values.get("harvester.state-interval"), "the environment over files");
        assertEquals(new ConfiguredValue("harvester.data-dir", "/srv/tg", ConfigSource.ENV, "TG_DATA_DIR"),
                values.get("harvester.data-dir"), "the documented short name");
        assertEquals(new ConfiguredValue("harvester.page-size", "600", ConfigSource.FLAG, "--set"),
                values.get("harvester.page-size"), "--set over everything");
        assertEquals(ConfigSource.DEFAULT, values.get("harvester.retry.base").source(),
                "a value the installed file leaves as shipped is a default");
        assertEquals(ConfigLoader.KEYS, values.keySet(), "every key once, and nothing else");
    }

    @Test
    void configValuesHideSecretsByTheirKeyAndCredentialsAndKeysByTheirShape() {
        assertEquals("***", Redaction.configValue("tg.api-key", "s3cr3t"));
        assertEquals("***", Redaction.configValue("tg.connections.eu.api-key", "s3cr3t"));
        assertEquals("***", Redaction.configValue("harvester.proxy-password", "s3cr3t"));
        assertEquals("***", Redaction.configValue("harvester.webhook.token", "s3cr3t"));
        assertEquals("***", Redaction.configValue("harvester.alert.hmac-secret", "s3cr3t"));
        assertEquals("", Redaction.configValue("tg.api-key", ""), "an unset secret shows as unset");
        assertEquals("/etc/tg/key", Redaction.configValue("tg.api-key-file", "/etc/tg/key"), "a path is no secret");
        assertEquals("http://***@proxy.example:3128",
                Redaction.configValue("harvester.proxy", "http://ops:s3cr3t@proxy.example:3128"));
        assertEquals("https://tg.example/?api_key=***", Redaction.configValue("tg.base-url",
                "https://tg.example/?api_key=s3cr3t"));
        assertEquals("https://panacea.threatgrid.com", Redaction.configValue("tg.base-url",
                "https://panacea.threatgrid.com"));
    }

    @Test
    void aWebhookUrlIsShownOnlyUpToItsHostItsUserInfoPathAndQueryHidden() {
        assertEquals("https://hooks.slack.com/***", Redaction.configValue("harvester.alert.webhook-url",
                "https://hooks.slack.com/services/T000/B000/s3cr3t"));
        assertEquals("https://***@alerts.example:8443/***", Redaction.configValue("harvester.alert.webhook-url",
                "https://ops:s3cr3t@alerts.example:8443/hook?token=s3cr3t"));
        assertEquals("http://alerts.example/***", Redaction.configValue("harvester.alert.webhook-url",
                "http://alerts.example?token=s3cr3t"));
        assertEquals("http://127.0.0.1:9000", Redaction.configValue("harvester.alert.webhook-url",
                "http://127.0.0.1:9000/"), "nothing past the host: nothing hidden");
        assertEquals("***", Redaction.configValue("harvester.alert.webhook-url", "s3cr3t not a url"));
        assertEquals("", Redaction.configValue("harvester.alert.webhook-url", ""), "unset stays empty");
    }
}
