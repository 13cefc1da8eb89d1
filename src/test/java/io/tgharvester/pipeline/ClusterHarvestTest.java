package io.tgharvester.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.ChildHarvester;
import io.tgharvester.api.CallOutcome;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.config.ConfigLoader;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.report.HarvestSummary;
import io.tgharvester.sim.GroundTruth;
import io.tgharvester.sim.RecordedRequest;
import io.tgharvester.sim.SimulatedSample;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import io.tgharvester.store.Database;
import io.tgharvester.store.LoopbackPostgres;
import io.tgharvester.store.Queries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several harvester nodes on one PostgreSQL database and one shared data dir, against the simulator: a Quartz cluster
 * for the shared jobs, artifact claims for the downloads. Every sample is stored once and right, every artifact is
 * downloaded once (counted on the simulator) and intact, and the downloads are spread over the nodes, a node that
 * joins late included; a node killed in the middle of its downloads has them finished by the others once its claims
 * expire.
 */
class ClusterHarvestTest {
    private static final String KEY = "cluster-test-key";
    private static final String ARTIFACT_PATH = "/api/v2/samples/[0-9a-f]{32}/[a-z.]+";
    private static final List<String> ARTIFACTS =
            List.of("analysis.json", "processes.json", "network.pcap", "video.webm");
    private static LoopbackPostgres postgres;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = LoopbackPostgres.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void threeNodesAndAFourthThatJoinsLateHarvestEverySampleOnceAndShareTheDownloads() throws Exception {
        String url = postgres.newDatabase();
        try (ThreatGridSimulator simulator = simulator(60)) {
            // Each artifact takes half a second to send, so one node alone (four at a time) would need ~25 s.
            simulator.artifactPace(Duration.ofMillis(500));
            List<Node> nodes = new ArrayList<>();
            try (Database db = Database.open(config(url, simulator, "reader"))) {
                Queries queries = new Queries(db);
                for (String id : List.of("node-1", "node-2", "node-3")) {
                    nodes.add(Node.start(config(url, simulator, id)));
                }
                await(() -> HarvestSummary.of(queries).artifacts("done") >= 40, Duration.ofSeconds(60));
                Node late = Node.start(config(url, simulator, "node-4"));
                nodes.add(late);
                await(() -> complete(queries, simulator), Duration.ofMinutes(2));
                closeAll(nodes);

                assertHarvestMatches(queries, simulator.groundTruth());
                Map<String, Long> requested = artifactRequests(simulator);
                assertEquals(Map.of(), requested.entrySet().stream().filter(e -> e.getValue() != 1)
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)),
                        "artifacts requested other than once");
                assertEquals(servedArtifacts(simulator.groundTruth()), requested.size());
                for (Node node : nodes) {
                    assertTrue(node.downloads.get() > 0, node.id + " downloaded nothing: " + shares(nodes));
                }
                assertEquals(requested.size(), nodes.stream().mapToInt(n -> n.downloads.get()).sum(), shares(nodes));
            } finally {
                closeAll(nodes);
            }
        }
    }

    @Test
    void theDownloadsOfANodeKilledMidTransferAreFinishedByTheOthersOnceItsClaimsExpire() throws Exception {
        String url = postgres.newDatabase();
        Path log = dataDir.resolveSibling(dataDir.getFileName() + "-node-a.log");
        try (ThreatGridSimulator simulator = simulator(12)) {
            // Slow enough that node-a is in the middle of its first four downloads when it is killed.
            simulator.artifactPace(Duration.ofSeconds(20));
            // A short lease, so that the takeover comes within the test; the default (2m) only waits longer.
            Process nodeA = ChildHarvester.start(dataDir, log, simulator.baseUrl().toString(), KEY, Map.of(
                    "TG_DB_URL", url, "TG_DB_USER", postgres.user(), "HARVESTER_CLUSTER_NODE_ID", "node-a",
                    "HARVESTER_CLUSTER_CLAIM_LEASE", "5s"), "run");
            List<Node> nodes = new ArrayList<>();
            try (Database db = Database.open(config(url, simulator, "reader"))) {
                Queries queries = new Queries(db);
                ChildHarvester.awaitDownload(dataDir, log, nodeA);
                nodeA.destroyForcibly().waitFor();
                Set<String> heldByA = claims(queries, "node-a");
                Map<String, Long> askedByA = artifactRequests(simulator);
                assertTrue(heldByA.containsAll(askedByA.keySet()) && !askedByA.isEmpty(),
                        "node-a was downloading what it claimed when killed: " + askedByA.keySet());

                simulator.artifactPace(Duration.ZERO);
                for (String id : List.of("node-b", "node-c")) {
                    nodes.add(Node.start(config(url, simulator, id)));
                }
                await(() -> complete(queries, simulator), Duration.ofMinutes(2));
                closeAll(nodes);

                assertHarvestMatches(queries, simulator.groundTruth());
                Map<String, Long> requested = artifactRequests(simulator);
                assertEquals(servedArtifacts(simulator.groundTruth()), requested.size());
                // what node-a was cut off from is asked for again, and nothing else twice
                requested.forEach((artifact, times) -> assertEquals(askedByA.getOrDefault(artifact, 0L) + 1, times,
                        artifact));
                try (var leftovers = Files.walk(dataDir.resolve("artifacts"))) {
                    assertEquals(List.of(), leftovers.filter(p -> p.toString().endsWith(".part")
                            && !p.toString().endsWith(".node-a.part")).toList(), "only node-a's .part files remain");
                }
            } finally {
                nodeA.destroyForcibly();
                closeAll(nodes);
            }
        }
    }

    /** Finished analyses of the last six hours, listed with the simulator's default cap and order. */
    private static ThreatGridSimulator simulator(int samples) {
        ThreatGridSimulator simulator = new ThreatGridSimulator(new SimulatorConfig(KEY,
                List.of("alice.soc", "bob.ir", "carol.hunt"), 0.05, Duration.ofHours(1), samples, Duration.ofHours(6),
                samples, Duration.ofSeconds(10), 0.1, 0.1, 0.05, 16L), Clock.systemUTC());
        simulator.start(0);
        return simulator;
    }

    /**
     * A node's configuration: the shipped defaults but for the download interval. An idle node looks for downloads
     * that often; 2 s instead of 15 s lets the nodes that did not fetch join within the test.
     */
    private HarvesterConfig config(String url, ThreatGridSimulator simulator, String node) {
        return new ConfigLoader(Map.of(), Optional.empty()).load(Optional.empty(), Map.of(
                "tg.api-key", KEY, "tg.base-url", simulator.baseUrl().toString(),
                "harvester.data-dir", dataDir.toString(), "harvester.db.url", url,
                "harvester.db.user", postgres.user(), "harvester.cluster.node-id", node,
                "harvester.download-interval", "2s"));
    }

    /** A harvester node in this JVM: its harvester, its schedules, and how many artifacts it asked for. */
    private record Node(String id, Harvester harvester, HarvestScheduler schedules, AtomicInteger downloads,
                        AtomicBoolean closed) {
        static Node start(HarvesterConfig config) {
            AtomicInteger downloads = new AtomicInteger();
            ThreatGridClient client = ThreatGridClient.connect(config, (endpoint, outcome) -> {
                // what it asked for an artifact and was answered: the bytes, or that the analysis has none (404)
                if (endpoint.startsWith("/api/v2/samples/{id}/")
                        && (outcome == CallOutcome.OK || outcome == CallOutcome.NOT_FOUND)) {
                    downloads.incrementAndGet();
                }
            });
            Harvester harvester = Harvester.open(config, client, Clock.systemUTC());
            HarvestScheduler schedules = new HarvestScheduler(harvester, config.database(), config.fetchInterval(),
                    config.stateInterval(), config.downloadInterval());
            schedules.start();
            return new Node(config.database().nodeId(), harvester, schedules, downloads, new AtomicBoolean());
        }

        void close() {
            if (closed.compareAndSet(false, true)) {
                schedules.close();
                harvester.close();
            }
        }
    }

    private static void closeAll(List<Node> nodes) {
        nodes.forEach(Node::close);
    }

    private static String shares(List<Node> nodes) {
        Map<String, Integer> shares = new LinkedHashMap<>();
        nodes.forEach(n -> shares.put(n.id, n.downloads.get()));
        return "downloads by node: " + shares;
    }

    private static boolean complete(Queries queries, ThreatGridSimulator simulator) {
        HarvestSummary summary = HarvestSummary.of(queries);
        return summary.samples() == simulator.groundTruth().samples().size() && summary.complete();
    }

    private static void await(BooleanSupplier condition, Duration limit) throws InterruptedException {
        Instant giveUp = Instant.now().plus(limit);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(giveUp)) {
                throw new AssertionError("not reached within " + limit);
            }
            Thread.sleep(100);
        }
    }

    /** The artifacts a node holds claims on, as sample id/name. */
    private static Set<String> claims(Queries queries, String node) {
        return queries.userQuery("SELECT sample_id, name FROM artifacts WHERE claimed_by = '" + node + "'").rows()
                .stream().map(row -> row.get(0) + "/" + row.get(1)).collect(Collectors.toSet());
    }

    /** How often each artifact was asked for, as sample id/name. */
    private static Map<String, Long> artifactRequests(ThreatGridSimulator simulator) {
        return simulator.requests().stream().map(RecordedRequest::path).filter(p -> p.matches(ARTIFACT_PATH))
                .map(p -> p.substring("/api/v2/samples/".length()))
                .collect(Collectors.groupingBy(p -> p, Collectors.counting()));
    }

    /** The artifacts of the samples that succeeded: those served, and those answered 404. */
    private static int servedArtifacts(GroundTruth truth) {
        return (int) truth.samples().stream().filter(s -> s.stateAt(truth.at()).equals("succ")).count()
                * ARTIFACTS.size();
    }

    /**
     * Every sample in its true state with one row each and no change recorded twice; every served artifact done with
     * the served bytes on disk, every other one of a succeeded sample absent.
     */
    private void assertHarvestMatches(Queries queries, GroundTruth truth) throws Exception {
        Map<String, String> states = new HashMap<>();
        queries.userQuery("SELECT id, state FROM samples").rows()
                .forEach(row -> states.put((String) row.get(0), (String) row.get(1)));
        assertEquals(truth.samples().stream().collect(Collectors.toMap(SimulatedSample::id, s -> s.stateAt(truth.at()))),
                states);
        assertEquals(List.of(), queries.userQuery("""
                SELECT sample_id, to_state, COUNT(*) FROM state_changes GROUP BY sample_id, to_state
                HAVING COUNT(*) > 1""").rows(), "state changes recorded twice");
        Map<String, List<Object>> artifacts = new HashMap<>();
        queries.userQuery("SELECT sample_id, name, status, sha256 FROM artifacts").rows()
                .forEach(row -> artifacts.put(row.get(0) + "/" + row.get(1), row));
        Set<String> checked = new HashSet<>();
        for (SimulatedSample sample : truth.samples()) {
            if (!sample.stateAt(truth.at()).equals("succ")) {
                continue;
            }
            for (String name : ARTIFACTS) {
                String key = sample.id() + "/" + name;
                List<Object> row = artifacts.get(key);
                Optional<String> served = truth.artifactSha256(sample.id(), name);
                assertEquals(served.isPresent() ? "done" : "absent", row.get(2), key);
                if (served.isPresent()) {
                    assertEquals(served.get(), row.get(3), key);
                    assertEquals(served.get(), sha256(dataDir.resolve("artifacts").resolve(sample.id()).resolve(name)),
                            key + " on disk");
                }
                checked.add(key);
            }
        }
        assertEquals(checked, artifacts.keySet());
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
