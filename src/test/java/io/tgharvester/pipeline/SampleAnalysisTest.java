package io.tgharvester.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.TestClock;
import io.tgharvester.analyze.AnalyzedSample;
import io.tgharvester.analyze.AnalyzerResult;
import io.tgharvester.analyze.SampleAnalyzer;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.config.ConfigLoader;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.correlate.AnalysisParser;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import io.tgharvester.store.AnalyzerStore;
import io.tgharvester.store.Database;
import io.tgharvester.store.ParseStateStore;
import io.tgharvester.store.Queries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analyze stage over a real harvest from the simulator: every completed sample to every analyzer once, failures
 * recorded against their analyzer alone and retried on their backoff until the attempts are spent.
 */
class SampleAnalysisTest {
    private static final String KEY = "analyze-simulator-key";
    private static final Duration BASE = Duration.ofMinutes(1);
    private static final int ATTEMPTS = 3;

    @TempDir
    Path dataDir;

    /** Before the harvest: analyzers registered at its time see every sample the harvest completed. */
    private final TestClock clock = new TestClock(Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS));
    private Set<String> succeeded;

    /** Calls an analyzer saw: sample id and attempt. */
    private record Call(String sampleId, int attempt, Map<String, Path> artifacts) {
    }

    /** Tags every sample and notes the size of its analysis.json file, as a plugin reading its artifacts would. */
    private static final class Recording implements SampleAnalyzer {
        final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public AnalyzerResult analyze(AnalyzedSample sample) throws IOException {
            calls.add(new Call(sample.sample().id(), sample.attempt(), sample.artifacts()));
            Map<String, String> row = new LinkedHashMap<>();
            row.put("analysis_bytes", Long.toString(Files.size(sample.artifacts().get("analysis.json"))));
            row.put("login", sample.sample().login().orElse("-"));
            row.put("connection", sample.sample().connection());
            return AnalyzerResult.tagged("seen").withRow(row);
        }
    }

    private static final class Throwing implements SampleAnalyzer {
        final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();

        @Override
        public String name() {
            return "throwing";
        }

        @Override
        public AnalyzerResult analyze(AnalyzedSample sample) {
            calls.add(new Call(sample.sample().id(), sample.attempt(), sample.artifacts()));
            throw new IllegalStateException("rule file missing");
        }
    }

    /** Its first call blocks until released, as a plugin stuck on a socket without a timeout would. */
    private static final class Hanging implements SampleAnalyzer {
        final CountDownLatch release = new CountDownLatch(1);
        final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();

        @Override
        public String name() {
            return "hanging";
        }

        @Override
        public AnalyzerResult analyze(AnalyzedSample sample) {
            calls.add(new Call(sample.sample().id(), sample.attempt(), sample.artifacts()));
            if (calls.size() == 1) {
                // Deaf to interrupts, so the stage cannot simply cancel it.
                while (release.getCount() > 0) {
                    try {
                        release.await();
                    } catch (InterruptedException ignored) {
                        // keeps waiting
                    }
                }
            }
            return AnalyzerResult.none();
        }
    }

    @BeforeEach
    void harvest() {
        TestClock simClock = new TestClock(Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS));
        SimulatorConfig sim = new SimulatorConfig(KEY, List.of("alice", "bob"), 0, Duration.ofMinutes(5), 8,
                Duration.ofMinutes(30), 8, Duration.ofSeconds(30), 0.2, 0.3, 0.3, 5L);
        try (ThreatGridSimulator simulator = new ThreatGridSimulator(sim, simClock)) {
            simulator.start(0);
            HarvesterConfig cfg = new ConfigLoader(Map.of(), Optional.empty()).load(Optional.empty(), Map.of(
                    "tg.api-key", KEY, "tg.base-url", simulator.baseUrl().toString(),
                    "harvester.data-dir", dataDir.toString()));
            try (Harvester harvester = Harvester.open(cfg, ThreatGridClient.connect(cfg), Clock.systemUTC())) {
                simClock.advance(Duration.ofHours(1));
                harvester.runOnce();
                succeeded = harvester.queries().userQuery("SELECT id FROM samples WHERE state = 'succ'").rows()
                        .stream().map(row -> (String) row.get(0)).collect(Collectors.toSet());
            }
        }
        assertTrue(succeeded.size() >= 4, "succeeded samples: " + succeeded);
    }

    private SampleAnalysis stage(Database db, Duration timeout, SampleAnalyzer... analyzers) {
        Map<String, SampleAnalyzer> byName = new LinkedHashMap<>();
        for (SampleAnalyzer analyzer : analyzers) {
            byName.put(analyzer.name(), analyzer);
        }
        SampleAnalysis stage = new SampleAnalysis(dataDir, new AnalyzerStore(db), byName,
                new RetryDelay(BASE, Duration.ofMinutes(10), new SplittableRandom(3)), ATTEMPTS, timeout, clock);
        stage.register();
        return stage;
    }

    private static List<List<Object>> rows(Database db, String sql) {
        return new Queries(db).userQuery(sql).rows();
    }

    private static Set<String> ids(ConcurrentLinkedQueue<Call> calls) {
        return calls.stream().map(Call::sampleId).collect(Collectors.toSet());
    }

    @Test
    void aThrowingAnalyzerIsRetriedOnItsBackoffUntilItsAttemptsAreSpentWhileTheOtherAnalyzesEverySampleOnce()
            throws Exception {
        Recording recording = new Recording();
        Throwing throwing = new Throwing();
        String ofEu = succeeded.iterator().next();
        try (Database db = Database.open(dataDir);
             SampleAnalysis stage = stage(db, Duration.ofSeconds(30), throwing, recording)) {
            try (Connection conn = db.ownerConnection(); Statement st = conn.createStatement()) {
                st.executeUpdate("UPDATE samples SET connection = 'eu' WHERE id = '" + ofEu + "'");
            }
            stage.run();

            assertEquals(succeeded, ids(recording.calls));
            assertEquals(succeeded.size(), recording.calls.size(), "once per sample");
            Map<String, Object> bytes = new HashMap<>();
            rows(db, "SELECT sample_id, bytes FROM artifacts WHERE name = 'analysis.json'")
                    .forEach(row -> bytes.put((String) row.get(0), row.get(1).toString()));
            for (Call call : recording.calls) {
                assertEquals(1, call.attempt());
                assertTrue(call.artifacts().values().stream().allMatch(p -> p.isAbsolute() && Files.isRegularFile(p)),
                        call.toString());
            }
            assertEquals(rows(db, "SELECT sample_id, name FROM artifacts WHERE status = 'done'").stream()
                            .map(row -> row.get(0) + " " + row.get(1)).collect(Collectors.toSet()),
                    recording.calls.stream().flatMap(c -> c.artifacts().keySet().stream().map(n -> c.sampleId() + " " + n))
                            .collect(Collectors.toSet()), "every downloaded artifact, and only those");
            assertEquals(succeeded.stream().map(id -> List.<Object>of(id, "seen")).collect(Collectors.toSet()),
                    Set.copyOf(rows(db, "SELECT sample_id, tag FROM analyzer_tags WHERE analyzer = 'recording'")));
            assertEquals(bytes.entrySet().stream().filter(e -> succeeded.contains(e.getKey()))
                            .map(e -> List.<Object>of(e.getKey(), 1, e.getValue())).collect(Collectors.toSet()),
                    Set.copyOf(rows(db, "SELECT sample_id, row_no, value_text FROM analyzer_rows"
                            + " WHERE analyzer = 'recording' AND field = 'analysis_bytes'")));
            assertEquals(succeeded.stream().map(id -> List.<Object>of(id, id.equals(ofEu) ? "eu" : "default"))
                            .collect(Collectors.toSet()),
                    Set.copyOf(rows(db, "SELECT sample_id, value_text FROM analyzer_rows"
                            + " WHERE analyzer = 'recording' AND field = 'connection'")), "each sample's connection");
            assertEquals(List.of(List.of("done", (long) succeeded.size())), rows(db,
                    "SELECT status, COUNT(*) FROM analyzer_results WHERE analyzer = 'recording' GROUP BY status"));

            assertEquals(List.of(List.of("failed", 1, "IllegalStateException: rule file missing",
                    (long) succeeded.size())), rows(db, "SELECT status, attempts, last_error, COUNT(*)"
                    + " FROM analyzer_results WHERE analyzer = 'throwing' GROUP BY status, attempts, last_error"));
            checkRetriesBetween(db, BASE, BASE.multipliedBy(2));

            stage.run();
            assertEquals(succeeded.size(), throwing.calls.size(), "nothing is retried before its time");

            clock.advance(BASE.multipliedBy(2));
            stage.run();
            assertEquals(2 * succeeded.size(), throwing.calls.size());
            assertEquals(Set.of(1, 2), throwing.calls.stream().map(Call::attempt).collect(Collectors.toSet()));
            checkRetriesBetween(db, BASE.multipliedBy(2), BASE.multipliedBy(4));

            clock.advance(BASE.multipliedBy(4));
            stage.run();
            assertEquals(List.of(List.of("given_up", ATTEMPTS, (long) succeeded.size())), rows(db, "SELECT status,"
                    + " attempts, COUNT(*) FROM analyzer_results WHERE analyzer = 'throwing'"
                    + " AND next_attempt_at IS NULL GROUP BY status, attempts"));

            clock.advance(Duration.ofDays(1));
            stage.run();
            assertEquals(ATTEMPTS * succeeded.size(), throwing.calls.size(), "no call after the attempts are spent");
            assertEquals(succeeded.size(), recording.calls.size(), "a done sample is never analyzed again");
        }
    }

    /** Every failed result of the throwing analyzer is due again between {@code from} and {@code to} from now. */
    private void checkRetriesBetween(Database db, Duration from, Duration to) {
        for (List<Object> row : rows(db, "SELECT next_attempt_at FROM analyzer_results WHERE analyzer = 'throwing'")) {
            Instant at = ((OffsetDateTime) row.get(0)).toInstant();
            assertFalse(at.isBefore(clock.instant().plus(from)) || at.isAfter(clock.instant().plus(to)),
                    at + " is not within " + from + " to " + to + " of " + clock.instant());
        }
    }

    @Test
    void anAnalyzerThatHangsIsCutOffAtItsTimeoutAndHoldsUpNoOtherAnalyzer() throws Exception {
        Hanging hanging = new Hanging();
        Recording recording = new Recording();
        try (Database db = Database.open(dataDir);
             SampleAnalysis stage = stage(db, Duration.ofMillis(300), hanging, recording)) {
            stage.run();

            assertEquals(succeeded, ids(recording.calls));
            assertEquals(1, hanging.calls.size(), "the rest of a hung analyzer's round waits for the next one");
            assertEquals(List.of(List.of("failed", "the call did not end within 300ms (harvester.analyze.timeout)")),
                    rows(db, "SELECT status, last_error FROM analyzer_results WHERE analyzer = 'hanging'"));

            clock.advance(Duration.ofHours(1));
            stage.run();
            assertEquals(1, hanging.calls.size(), "no second call while the first still runs");

            hanging.release.countDown();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            do {
                Thread.sleep(20);
                stage.run();
            } while (hanging.calls.size() <= succeeded.size() && System.nanoTime() < deadline);
            assertEquals(succeeded, ids(hanging.calls));
            assertEquals(List.of(2), hanging.calls.stream().filter(c -> c.sampleId()
                    .equals(hanging.calls.peek().sampleId())).skip(1).map(Call::attempt).toList());
            assertEquals(List.of(List.of("done", (long) succeeded.size())), rows(db,
                    "SELECT status, COUNT(*) FROM analyzer_results WHERE analyzer = 'hanging' GROUP BY status"));
        }
    }

    @Test
    void aCallTheHarvesterDidNotSeeEndCountsAsAnAttemptAndComesBackAsTheNext() {
        Recording recording = new Recording();
        String interrupted = succeeded.iterator().next();
        try (Database db = Database.open(dataDir);
             SampleAnalysis stage = stage(db, Duration.ofSeconds(30), recording)) {
            // What a harvester killed during the call left behind.
            new AnalyzerStore(db).begin(interrupted, "recording", 1, Optional.of(clock.instant().plus(BASE)));
            assertEquals(List.of(List.of("failed", "the call did not end: the harvester stopped during it")),
                    rows(db, "SELECT status, last_error FROM analyzer_results WHERE sample_id = '" + interrupted + "'"));

            stage.run();
            assertFalse(ids(recording.calls).contains(interrupted), "not before its retry time");

            clock.advance(BASE);
            stage.run();
            assertEquals(List.of(2), recording.calls.stream().filter(c -> c.sampleId().equals(interrupted))
                    .map(Call::attempt).toList(), "the analyzer learns that an earlier call may have had effects");
        }
    }

    @Test
    void aSampleWhoseParseEndsAfterARoundIsAnalyzedInALaterOne() throws Exception {
        Recording recording = new Recording();
        String late = succeeded.iterator().next();
        try (Database db = Database.open(dataDir);
             SampleAnalysis stage = stage(db, Duration.ofSeconds(30), recording)) {
            try (Connection conn = db.ownerConnection(); Statement st = conn.createStatement()) {
                st.executeUpdate("DELETE FROM parse_state WHERE sample_id = '" + late + "'");
            }
            clock.set(Instant.now().plus(1, ChronoUnit.HOURS));
            stage.run();
            assertEquals(succeeded.stream().filter(id -> !id.equals(late)).collect(Collectors.toSet()),
                    ids(recording.calls), "a sample whose analysis.json is not parsed yet waits");

            clock.advance(Duration.ofMinutes(30));
            new ParseStateStore(db).markParsed(late, AnalysisParser.VERSION, clock.instant());
            clock.advance(Duration.ofSeconds(15));
            stage.run();
            assertEquals(succeeded, ids(recording.calls));
            assertEquals(succeeded.size(), recording.calls.size());
        }
    }

    @Test
    void anAnalyzerSeesOnlySamplesThatCompleteAfterItFirstRan() {
        Recording recording = new Recording();
        clock.set(Instant.now().plus(1, ChronoUnit.MINUTES));
        try (Database db = Database.open(dataDir);
             SampleAnalysis stage = stage(db, Duration.ofSeconds(30), recording)) {
            stage.run();
            assertEquals(0, recording.calls.size(), "the history harvested before it is left alone");
            assertEquals(List.of(List.of(0L)), rows(db, "SELECT COUNT(*) FROM analyzer_results"));
        }
    }
}
