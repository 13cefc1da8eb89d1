package io.tgharvester.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.TestClock;
import io.tgharvester.sim.RecordedRequest;
import io.tgharvester.sim.SimulatedSample;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two organizations, each its own simulator with its own key, harvested into one data dir. */
class ConnectionsCommandTest {
    private static final String US_KEY = "SECRET-us-key-81c2";
    private static final String EU_KEY = "SECRET-eu-key-4f07";
    private static final Pattern ARTIFACT = Pattern.compile("/api/v2/samples/([0-9a-f]{32})/[a-z.]+");

    @TempDir
    Path dataDir;
    private ThreatGridSimulator us;
    private ThreatGridSimulator eu;

    /** An organization whose six samples, submitted in the half hour before now, have all finished. */
    private static ThreatGridSimulator organization(String key, long seed) {
        TestClock clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        ThreatGridSimulator simulator = new ThreatGridSimulator(new SimulatorConfig(key, List.of("ann", "ben"), 0,
                Duration.ofMinutes(10), 6, Duration.ofMinutes(30), 6, Duration.ofSeconds(1), 0, 0, 0, seed), clock);
        simulator.start(0);
        return simulator;
    }

    @BeforeEach
    void start() {
        us = organization(US_KEY, 101);
        eu = organization(EU_KEY, 202);
    }

    @AfterEach
    void stop() {
        us.close();
        eu.close();
    }

    private Map<String, String> env(Map<String, String> more) {
        Map<String, String> env = new HashMap<>(Map.of("TG_API_KEY", US_KEY, "TG_BASE_URL", us.baseUrl().toString(),
                "TG_DATA_DIR", dataDir.toString(), "TG_CONNECTIONS_EU_BASE_URL", eu.baseUrl().toString(),
                "TG_CONNECTIONS_EU_API_KEY", EU_KEY, "HARVESTER_ARTIFACTS", "analysis.json,network.pcap"));
        env.putAll(more);
        return env;
    }

    private static Set<String> ids(ThreatGridSimulator simulator) {
        return simulator.groundTruth().samples().stream().map(SimulatedSample::id).collect(Collectors.toSet());
    }

    private Map<String, String> connectionOfEachSample() {
        CliRun.Result rows = CliRun.run(env(Map.of()), "sql", "SELECT id, connection FROM samples", "--format",
                "csv");
        assertEquals(0, rows.exitCode(), rows.err());
        return rows.out().lines().skip(1).map(line -> line.split(","))
                .collect(Collectors.toMap(cells -> cells[0], cells -> cells[1]));
    }

    /** The sample ids whose artifacts were asked of {@code simulator}. */
    private static Set<String> artifactRequests(ThreatGridSimulator simulator) {
        return simulator.requests().stream().map(RecordedRequest::path).map(ARTIFACT::matcher)
                .filter(Matcher::matches).map(m -> m.group(1)).collect(Collectors.toSet());
    }

    @Test
    void twoConnectionsAreHarvestedIntoOneDatabaseEachSampleUnderItsOwnConnection() throws IOException {
        CliRun.Result pass = CliRun.run(env(Map.of()), "run", "--once");

        assertEquals(0, pass.exitCode(), pass.everything());
        assertTrue(pass.out().contains("samples 12 (succ 12) | artifacts done 24"), pass.out());
        Map<String, String> expected = new HashMap<>();
        ids(us).forEach(id -> expected.put(id, "default"));
        ids(eu).forEach(id -> expected.put(id, "eu"));
        assertEquals(12, expected.size());
        assertEquals(expected, connectionOfEachSample());
        assertEquals(ids(us), artifactRequests(us), "each sample's artifacts come from its own organization");
        assertEquals(ids(eu), artifactRequests(eu));
        for (ThreatGridSimulator simulator : List.of(us, eu)) {
            String otherKey = simulator == us ? EU_KEY : US_KEY;
            simulator.requests().forEach(r -> assertFalse(r.headers().toString().contains(otherKey)
                    || String.valueOf(r.rawQuery()).contains(otherKey), "a key went to the other organization"));
            simulator.requests().stream().filter(r -> r.path().equals("/api/v2/samples"))
                    .forEach(r -> assertTrue(r.rawQuery().contains("org_only=True"), r.rawQuery()));
        }
        CliRun.Result jobs = CliRun.run(env(Map.of()), "sql", "SELECT job FROM job_runs WHERE last_success_at IS NOT"
                + " NULL ORDER BY job", "--format", "csv");
        assertEquals(List.of("job", "analyze", "download", "download:eu", "fetch", "fetch:eu", "parse", "state",
                "state:eu"),
                jobs.out().lines().toList());
        for (String secret : List.of(US_KEY, EU_KEY)) {
            assertFalse(pass.everything().contains(secret), "a key leaked into the output or logs");
            assertFalse(CliRun.anyFileContains(dataDir, secret), "a key leaked into the data dir");
        }
    }

    /** The sample ids in the first column of a command's CSV output. */
    private Set<String> idsListedBy(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(args));
        command.addAll(List.of("--format", "csv"));
        CliRun.Result result = CliRun.run(env(Map.of()), command.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.everything());
        return result.out().lines().skip(1).map(line -> line.split(",")[0]).collect(Collectors.toSet());
    }

    @Test
    void connectionPicksTheOneConnectionEveryCommandWorksWith() {
        CliRun.Result pass = CliRun.run(env(Map.of()), "run", "--once", "--connection", "eu");

        assertEquals(0, pass.exitCode(), pass.everything());
        assertTrue(us.requests().isEmpty(), "the default connection was left alone");
        assertEquals(Set.of("eu"), Set.copyOf(connectionOfEachSample().values()));

        CliRun.run(env(Map.of()), "run", "--once", "--connection", "default");
        CliRun.Result euStatus = CliRun.run(env(Map.of()), "status", "--connection", "eu", "--format", "csv");
        assertEquals(0, euStatus.exitCode(), euStatus.err());
        List<String> euLines = euStatus.out().lines().toList();
        assertEquals(List.of("state,samples", "succ,6"), euLines.subList(0, 2));
        assertTrue(euLines.stream().anyMatch(l -> l.startsWith("watermark:eu,"))
                && euLines.stream().noneMatch(l -> l.startsWith("watermark,")), euStatus.out());
        List<String> allLines = CliRun.run(env(Map.of()), "status", "--format", "csv").out().lines().toList();
        assertEquals(List.of("state,samples", "succ,12"), allLines.subList(0, 2));
        int connections = allLines.indexOf("connection,samples,unfinished,newest_submitted_at");
        assertTrue(connections > 0, String.join("\n", allLines));
        assertTrue(allLines.get(connections + 1).startsWith("default,6,0,")
                && allLines.get(connections + 2).startsWith("eu,6,0,"), String.join("\n", allLines));

        CliRun.Result users = CliRun.run(env(Map.of()), "report", "users", "--connection", "eu", "--format", "csv");
        assertEquals(6, users.out().lines().skip(1).mapToInt(l -> Integer.parseInt(l.split(",")[1])).sum(),
                "eu's six submissions: " + users.out());
        String domain = "c2.beacon.example";
        Set<String> everywhere = idsListedBy("find", "--domain", domain);
        Set<String> inEu = idsListedBy("find", "--domain", domain, "--connection", "eu");
        assertTrue(ids(eu).containsAll(inEu) && !inEu.isEmpty(), "only eu's samples: " + inEu);
        assertEquals(everywhere.stream().filter(ids(eu)::contains).collect(Collectors.toSet()), inEu);
        String euSample = inEu.iterator().next();
        Set<String> relatedInUs = idsListedBy("related", euSample, "--connection", "default");
        assertTrue(!relatedInUs.isEmpty() && ids(us).containsAll(relatedInUs), "only the default connection's: "
                + relatedInUs);

        CliRun.Result unknown = CliRun.run(env(Map.of()), "run", "--once", "--connection", "apac");
        assertEquals(2, unknown.exitCode());
        assertEquals("tg-harvester: no connection 'apac': the configured ones are default, eu\n", unknown.err());
    }

    @Test
    void aRefusedKeyOfOneConnectionLeavesTheOtherHarvested() {
        CliRun.Result pass = CliRun.run(env(Map.of("TG_CONNECTIONS_EU_API_KEY", "SECRET-revoked-key")), "run",
                "--once");

        assertEquals(3, pass.exitCode(), pass.everything());
        assertTrue(pass.err().startsWith("tg-harvester: Threat Grid refused the API key (HTTP 401 on /api/v2/samples):"
                + " check tg.connections.eu.api-key"), pass.err());
        assertTrue(pass.out().contains("samples 6 (succ 6)") && pass.out().contains("left for the next run: fetch:eu"
                + " stage unfinished; not run: state:eu, download:eu"), pass.out());
        assertEquals(Set.of("default"), Set.copyOf(connectionOfEachSample().values()));
        assertEquals(ids(us), artifactRequests(us));
        assertFalse(pass.everything().contains("SECRET-revoked-key"));
    }

    @Test
    void connectionsTestSaysWhichConnectionFailsAndWhy() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Map<String, String> env = env(Map.of("TG_CONNECTIONS_EU_API_KEY", "SECRET-wrong-key",
                "TG_CONNECTIONS_GONE_BASE_URL", "http://127.0.0.1:" + closedPort, "TG_CONNECTIONS_GONE_API_KEY", "k",
                "TG_CONNECTIONS_OLD_BASE_URL", "http://127.0.0.1:" + closedPort, "TG_CONNECTIONS_OLD_ENABLED",
                "false"));

        CliRun.Result test = CliRun.run(env, "connections", "test");

        assertEquals(3, test.exitCode(), "the first failure is a refused key: " + test.everything());
        List<String> lines = test.out().lines().toList();
        assertEquals(4, lines.size(), test.out());
        assertTrue(lines.get(0).startsWith("default: ok (" + us.baseUrl() + ", direct): the key is accepted and the"
                + " organization's sample list (org_only=True) answers"), lines.get(0));
        assertTrue(lines.get(1).startsWith("eu: FAILED, key refused (" + eu.baseUrl() + ", direct): Threat Grid"
                + " refused the API key (HTTP 401 on /api/v2/samples): check tg.connections.eu.api-key"), lines.get(1));
        assertTrue(lines.get(2).startsWith("gone: FAILED, unreachable (http://127.0.0.1:" + closedPort
                + ", direct): cannot reach Threat Grid for /api/v2/samples: cannot connect to 127.0.0.1:" + closedPort),
                lines.get(2));
        assertEquals("old: skipped, disabled (http://127.0.0.1:" + closedPort + ", direct)", lines.get(3));
        assertFalse(test.everything().contains("SECRET-wrong-key"));
        us.requests().stream().filter(r -> r.path().equals("/api/v2/samples"))
                .forEach(r -> assertTrue(r.rawQuery().contains("org_only=True"), r.rawQuery()));

        CliRun.Result list = CliRun.run(env, "connections", "list", "--format", "csv");
        assertEquals(List.of("connection,base_url,route,route_from,api_key,enabled",
                "default," + us.baseUrl() + ",direct,no proxy configured,set,true",
                "eu," + eu.baseUrl() + ",direct,no proxy configured,set,true",
                "gone,http://127.0.0.1:" + closedPort + ",direct,no proxy configured,set,true",
                "old,http://127.0.0.1:" + closedPort + ",direct,no proxy configured,missing,false"),
                list.out().lines().toList());
        assertFalse(list.everything().contains("SECRET"), "no key is listed");

        CliRun.Result one = CliRun.run(env, "connections", "test", "--connection", "gone");
        assertEquals(4, one.exitCode(), one.everything());
        assertEquals(1, one.out().lines().count(), one.out());
        assertEquals(0, CliRun.run(env(Map.of()), "connections", "test").exitCode());
    }
}
