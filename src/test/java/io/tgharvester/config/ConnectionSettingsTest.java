package io.tgharvester.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionSettingsTest {
    @TempDir
    Path dir;

    private static HarvesterConfig load(Map<String, String> env, Map<String, String> flags) {
        return new ConfigLoader(env, Optional.empty()).load(Optional.empty(), flags);
    }

    private HarvesterConfig loadFile(String properties, Map<String, String> env) throws IOException {
        Path file = Files.writeString(dir.resolve("h.properties"), properties);
        return new ConfigLoader(env, Optional.empty()).load(Optional.of(file), Map.of());
    }

    @Test
    void theSingleKeyConfigurationIsTheDefaultConnection() {
        HarvesterConfig config = load(Map.of("TG_API_KEY", "k1"), Map.of("tg.base-url", "https://tg.example"));

        assertEquals(List.of("default"), config.connections().stream().map(ConnectionConfig::alias).toList());
        ConnectionConfig only = config.connection("default");
        assertEquals(URI.create("https://tg.example"), only.baseUrl());
        assertEquals("k1", only.requireApiKey().current().reveal());
        assertEquals(ProxyRoute.DIRECT, only.proxy());
    }

    @Test
    void namedConnectionsComeFromFileAndEnvironmentBesideTheDefaultOne() throws IOException {
        Path euKey = Files.writeString(dir.resolve("eu.key"), "eu-key\n");
        HarvesterConfig config = loadFile("""
                tg.api-key=us-key
                tg.connections.eu-west.base-url=https://panacea.threatgrid.eu
                tg.connections.eu-west.api-key-file=%s
                tg.connections.lab.base-url=https://10.0.0.5
                tg.connections.lab.auth=query
                tg.connections.lab.enabled=false
                """.formatted(euKey), Map.of("TG_CONNECTIONS_EU_WEST_PROXY", "http://proxy.example:3128",
                "TG_CONNECTIONS_LAB_API_KEY", "lab-key"));

        assertEquals(List.of("default", "eu-west", "lab"),
                config.connections().stream().map(ConnectionConfig::alias).toList());
        ConnectionConfig eu = config.connection("eu-west");
        assertEquals("eu-key", eu.requireApiKey().current().reveal());
        assertEquals("http://proxy.example:3128", eu.proxy().describe(), "the environment spelling EU_WEST sets eu-west");
        ConnectionConfig lab = config.connection("lab");
        assertEquals("lab-key", lab.requireApiKey().current().reveal());
        assertEquals(HarvesterConfig.AuthMode.QUERY, lab.authMode());
        assertFalse(lab.enabled());
        assertEquals(List.of("default", "eu-west"),
                config.harvested(Optional.empty()).stream().map(ConnectionConfig::alias).toList());
        assertTrue(assertThrows(ConfigException.class, () -> config.harvested(Optional.of("lab"))).getMessage()
                .contains("tg.connections.lab.enabled=false"));
        assertTrue(assertThrows(ConfigException.class, () -> config.connection("apac")).getMessage()
                .contains("default, eu-west, lab"));
    }

    @Test
    void withOnlyNamedConnectionsThereIsNoDefaultOne() {
        HarvesterConfig config = load(Map.of(), Map.of("tg.connections.a.base-url", "https://a.example",
                "tg.connections.a.api-key", "ka"));

        assertEquals(List.of("a"), config.connections().stream().map(ConnectionConfig::alias).toList());
    }

    @Test
    void aConnectionWithoutKeySaysWhichKeyToSet() {
        ConnectionConfig keyless = load(Map.of(), Map.of("tg.connections.a.base-url", "https://a.example"))
                .connection("a");

        assertEquals("connection a has no API key: set tg.connections.a.api-key or tg.connections.a.api-key-file",
                assertThrows(ConfigException.class, keyless::requireApiKey).getMessage());
    }

    @Test
    void malformedConnectionKeysAreRefusedWithWhatTheyShouldLookLike() {
        assertTrue(assertThrows(ConfigException.class, () -> load(Map.of(), Map.of("tg.connections.eu.base-ur",
                "https://x"))).getMessage().contains("fields: base-url, api-key"));
        assertTrue(assertThrows(ConfigException.class, () -> load(Map.of(), Map.of("tg.connections.EU.base-url",
                "https://x"))).getMessage().contains("lower-case"));
        assertTrue(assertThrows(ConfigException.class, () -> load(Map.of(), Map.of("tg.connections.default.api-key",
                "k"))).getMessage().contains("not 'default'"));
        assertTrue(assertThrows(ConfigException.class, () -> load(Map.of(), Map.of("tg.connections.eu.api-key",
                "k"))).getMessage().startsWith("tg.connections.eu.base-url must be set"));
        assertTrue(assertThrows(ConfigException.class, () -> load(Map.of(), Map.of("tg.connections.eu.base-url",
                "https://x", "tg.connections.eu.enabled", "no"))).getMessage().contains("not true or false"));
    }

    @Test
    void aConnectionsOwnProxyWinsOverHarvesterProxyWhichWinsOverTheEnvironment() {
        Map<String, String> env = Map.of("HTTPS_PROXY", "http://env-proxy.example:8080", "TG_API_KEY", "k");
        HarvesterConfig config = load(env, Map.of("tg.connections.a.base-url", "https://a.example",
                "tg.connections.a.proxy", "socks5://socks.example:1080", "tg.connections.b.base-url",
                "https://b.example", "tg.connections.c.base-url", "https://c.example", "tg.connections.c.proxy",
                "direct"));

        assertEquals("socks5://socks.example:1080", config.connection("a").proxy().describe());
        assertTrue(config.connection("a").proxy().socks());
        assertEquals("http://env-proxy.example:8080", config.connection("b").proxy().describe());
        assertEquals("HTTPS_PROXY", config.connection("b").proxy().source());
        assertEquals("direct", config.connection("c").proxy().describe());
        assertEquals("http://global.example:3128", load(env, Map.of("harvester.proxy",
                "http://global.example:3128")).connection("default").proxy().describe());
    }

    @Test
    void noProxyNamesHostsSubdomainsAddressesAndRangesAsCurlReadsIt() {
        Map<String, String> env = Map.of("NO_PROXY", " .corp.example, 10.0.0.0/8,127.0.0.1,[::1]");
        assertTrue(ProxyRoutes.noProxy("tg.corp.example", env));
        assertTrue(ProxyRoutes.noProxy("corp.example", env));
        assertTrue(ProxyRoutes.noProxy("10.20.30.40", env));
        assertTrue(ProxyRoutes.noProxy("127.0.0.1", env));
        assertTrue(ProxyRoutes.noProxy("[::1]", env));
        assertFalse(ProxyRoutes.noProxy("panacea.threatgrid.com", env));
        assertFalse(ProxyRoutes.noProxy("notcorp.example", env));
        assertFalse(ProxyRoutes.noProxy("11.0.0.1", env));
        assertTrue(ProxyRoutes.noProxy("anything.example", Map.of("no_proxy", "*")));

        HarvesterConfig config = load(Map.of("HTTPS_PROXY", "http://proxy.example:3128", "NO_PROXY", "tg.example",
                "TG_API_KEY", "k"), Map.of("tg.base-url", "https://tg.example"));
        assertEquals("direct", config.connection("default").proxy().describe());
        assertEquals("NO_PROXY names tg.example", config.connection("default").proxy().source());
    }

    @Test
    void anHttpBaseUrlTakesHttpProxyAndAnHttpsOneHttpsProxy() {
        Map<String, String> env = Map.of("HTTP_PROXY", "http://plain.example:3128", "https_proxy",
                "http://secure.example:3128", "TG_API_KEY", "k");

        assertEquals("http://plain.example:3128", load(env, Map.of("tg.base-url", "http://tg.example")).connection(
                "default").proxy().describe());
        assertEquals("http://secure.example:3128", load(env, Map.of("tg.base-url", "https://tg.example")).connection(
                "default").proxy().describe());
    }

    @Test
    void proxyCredentialsComeFromAFileAValueOrTheProxyUrlAndAreNeverShown() throws IOException {
        Path file = Files.writeString(dir.resolve("proxy-credentials"), "svc-tg:s3cret:with-colon\n");
        HarvesterConfig fromFile = load(Map.of("TG_API_KEY", "k"), Map.of("harvester.proxy",
                "http://proxy.example:3128", "harvester.proxy-credentials-file", file.toString()));
        ProxyRoute route = fromFile.connection("default").proxy();
        assertEquals(Optional.of(new ProxyRoute.Credentials("svc-tg", "s3cret:with-colon")), route.credentials());

        HarvesterConfig fromUrl = load(Map.of("TG_API_KEY", "k", "HTTPS_PROXY",
                "http://bob:p%40ss@proxy.example:3128"), Map.of());
        ProxyRoute urlRoute = fromUrl.connection("default").proxy();
        assertEquals(Optional.of(new ProxyRoute.Credentials("bob", "p@ss")), urlRoute.credentials());
        assertEquals(URI.create("http://proxy.example:3128"), urlRoute.proxy().orElseThrow());

        HarvesterConfig perConnection = load(Map.of("TG_API_KEY", "k", "TG_CONNECTIONS_EU_PROXY_CREDENTIALS",
                "eu-user:eu-pass"), Map.of("harvester.proxy", "http://proxy.example:3128",
                "tg.connections.eu.base-url", "https://eu.example"));
        assertEquals("eu-user", perConnection.connection("eu").proxy().credentials().orElseThrow().user());
        assertEquals(Optional.empty(), perConnection.connection("default").proxy().credentials());

        for (Object shown : List.of(route, urlRoute, fromFile, fromUrl, route.describe(), urlRoute.describe())) {
            assertFalse(shown.toString().contains("s3cret") || shown.toString().contains("p@ss"), shown.toString());
        }
    }

    @Test
    void proxyMistakesAreRefusedWithoutRepeatingTheUrl() {
        ConfigException bad = assertThrows(ConfigException.class, () -> load(Map.of("TG_API_KEY", "k", "HTTPS_PROXY",
                "ftp://u:hunter2@proxy.example"), Map.of()));
        assertTrue(bad.getMessage().startsWith("HTTPS_PROXY is not a proxy URL"), bad.getMessage());
        assertFalse(bad.getMessage().contains("hunter2"));
        assertTrue(assertThrows(ConfigException.class, () -> load(Map.of("TG_API_KEY", "k"), Map.of(
                "harvester.proxy", "socks5://proxy.example:1080", "harvester.proxy-credentials", "u:p")))
                .getMessage().contains("not for SOCKS"));
        assertTrue(assertThrows(ConfigException.class, () -> load(Map.of("TG_API_KEY", "k"), Map.of(
                "harvester.proxy", "https://proxy.example:443"))).getMessage().contains("not supported"));
        assertTrue(assertThrows(ConfigException.class, () -> load(Map.of("TG_API_KEY", "k"), Map.of(
                "harvester.proxy", "http://proxy.example:3128", "harvester.proxy-credentials", "nocolon")))
                .getMessage().contains("user:password"));
    }
}
