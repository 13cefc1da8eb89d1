package io.tgharvester.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.ApplianceCertificates;
import io.tgharvester.TestClock;
import io.tgharvester.TunnelProxy;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harvester through a real HTTP proxy on loopback, to an HTTPS simulator (so every call goes through a CONNECT
 * tunnel, as to the real Threat Grid): credentials from a file, from the proxy URL of HTTPS_PROXY, none, wrong ones;
 * NO_PROXY; a proxy for one connection only.
 */
class ProxyCommandTest {
    private static final String KEY = "SECRET-proxied-key-9a1";
    private static final String PASSWORD = "pr0xy-PASS-77";

    @TempDir
    Path dataDir;
    @TempDir
    Path confDir;
    private ThreatGridSimulator simulator;

    /** An appliance-like HTTPS organization whose three samples have all finished. */
    private static ThreatGridSimulator httpsOrganization(String key, long seed) {
        ThreatGridSimulator sim = new ThreatGridSimulator(new SimulatorConfig(key, List.of("ann"), 0,
                Duration.ofMinutes(10), 3, Duration.ofMinutes(30), 3, Duration.ofSeconds(1), 0, 0, 0, seed),
                new TestClock(Instant.now().truncatedTo(ChronoUnit.SECONDS)));
        sim.startHttps(0, ApplianceCertificates.serverPresenting(ApplianceCertificates.SELF_SIGNED));
        return sim;
    }

    @BeforeEach
    void start() {
        simulator = httpsOrganization(KEY, 5);
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    private Map<String, String> env(Map<String, String> more) {
        Map<String, String> env = new HashMap<>(Map.of("TG_API_KEY", KEY, "TG_BASE_URL",
                simulator.baseUrl().toString(), "TG_PIN_SHA256", ApplianceCertificates.pin(
                        ApplianceCertificates.SELF_SIGNED), "TG_DATA_DIR", dataDir.toString()));
        env.putAll(more);
        return env;
    }

    private Path credentialsFile(String content) throws IOException {
        return Files.writeString(confDir.resolve("proxy-credentials"), content);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes());
    }

    @Test
    void aHarvestGoesThroughAnAuthenticatingProxyWithCredentialsFromAFile() throws IOException {
        try (TunnelProxy proxy = TunnelProxy.demanding("svc-tg", PASSWORD)) {
            CliRun.Result pass = CliRun.run(env(Map.of("HARVESTER_PROXY", proxy.url().toString(),
                    "HARVESTER_PROXY_CREDENTIALS_FILE", credentialsFile("svc-tg:" + PASSWORD + "\n").toString())),
                    "run", "--once");

            assertEquals(0, pass.exitCode(), pass.everything());
            assertTrue(pass.out().contains("samples 3 (succ 3) | artifacts done 12"), pass.out());
            assertTrue(proxy.tunnels() >= 1, "calls went through the proxy");
            assertEquals(List.of("127.0.0.1:" + simulator.port()), proxy.tunnelTargets().stream().distinct().toList());
            assertEquals(0, proxy.refusals(), "the credentials went with the first CONNECT, no 407 round trip");
            assertTrue(proxy.authorizations().stream().allMatch(basic("svc-tg", PASSWORD)::equals));
            assertFalse(pass.everything().contains(PASSWORD), "the proxy password leaked into output or logs");
            assertFalse(CliRun.anyFileContains(dataDir, PASSWORD));
        }
    }

    @Test
    void aProxyThatWantsCredentialsItWasNotGivenIsOneClearLine() throws IOException {
        try (TunnelProxy proxy = TunnelProxy.demanding("svc-tg", PASSWORD)) {
            CliRun.Result none = CliRun.run(env(Map.of("HARVESTER_PROXY", proxy.url().toString())), "run", "--once");

            assertEquals(2, none.exitCode(), none.everything());
            assertEquals(List.of("tg-harvester: the proxy " + proxy.url() + " (from harvester.proxy) asks for"
                    + " credentials (HTTP 407, it asks for Basic): set harvester.proxy-credentials-file (or a"
                    + " connection's proxy-credentials-file) to a file holding user:password"),
                    none.err().lines().toList());
            assertEquals(0, proxy.tunnels());

            CliRun.Result wrong = CliRun.run(env(Map.of("HARVESTER_PROXY", proxy.url().toString(),
                    "HARVESTER_PROXY_CREDENTIALS", "svc-tg:not-" + PASSWORD)), "connections", "test");
            assertEquals(2, wrong.exitCode(), wrong.everything());
            assertTrue(wrong.out().startsWith("default: FAILED, proxy refused (" + simulator.baseUrl() + ", "
                    + proxy.url() + " with credentials): the proxy " + proxy.url() + " (from harvester.proxy) refused"
                    + " the credentials of user svc-tg (HTTP 407, it asks for Basic)"), wrong.out());
            assertFalse(wrong.everything().contains(PASSWORD));
            assertEquals(0, proxy.tunnels());
        }
    }

    @Test
    void httpsProxyFromTheEnvironmentIsUsedWithItsUserInfoUnlessNoProxyNamesTheHost() throws IOException {
        try (TunnelProxy proxy = TunnelProxy.demanding("env-user", PASSWORD)) {
            String withUserInfo = "http://env-user:" + PASSWORD + "@127.0.0.1:" + proxy.port();

            CliRun.Result proxied = CliRun.run(env(Map.of("HTTPS_PROXY", withUserInfo)), "connections", "test");
            assertEquals(0, proxied.exitCode(), proxied.everything());
            assertEquals(1, proxy.tunnels());
            assertTrue(proxied.out().contains(", " + proxy.url() + " with credentials)"), proxied.out());
            assertFalse(proxied.everything().contains(PASSWORD), "the password of HTTPS_PROXY leaked");

            CliRun.Result bypassed = CliRun.run(env(Map.of("HTTPS_PROXY", withUserInfo, "NO_PROXY",
                    "localhost,127.0.0.1")), "connections", "test");
            assertEquals(0, bypassed.exitCode(), bypassed.everything());
            assertTrue(bypassed.out().startsWith("default: ok (" + simulator.baseUrl() + ", direct)"),
                    bypassed.out());
            assertEquals(1, proxy.tunnels(), "NO_PROXY kept the call off the proxy");
        }
    }

    @Test
    void eachConnectionTakesItsOwnProxy() throws IOException {
        try (ThreatGridSimulator eu = httpsOrganization("SECRET-eu-proxied-key", 6);
             TunnelProxy proxy = TunnelProxy.open()) {
            CliRun.Result pass = CliRun.run(env(Map.of("TG_CONNECTIONS_EU_BASE_URL", eu.baseUrl().toString(),
                    "TG_CONNECTIONS_EU_API_KEY", "SECRET-eu-proxied-key", "TG_CONNECTIONS_EU_PIN_SHA256",
                    ApplianceCertificates.pin(ApplianceCertificates.SELF_SIGNED), "TG_CONNECTIONS_EU_PROXY",
                    proxy.url().toString())), "run", "--once");

            assertEquals(0, pass.exitCode(), pass.everything());
            assertTrue(pass.out().contains("samples 6 (succ 6)"), pass.out());
            assertTrue(proxy.tunnels() >= 1);
            assertEquals(List.of("127.0.0.1:" + eu.port()), proxy.tunnelTargets().stream().distinct().toList(),
                    "only the eu connection goes through the proxy");
            assertFalse(simulator.requests().isEmpty(), "the default connection went straight to its server");
        }
    }
}
