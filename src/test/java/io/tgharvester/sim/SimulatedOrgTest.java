package io.tgharvester.sim;

import static io.tgharvester.sim.Fixtures.KEY;
import static io.tgharvester.sim.Fixtures.START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.TestClock;
import io.tgharvester.sim.SimulatedAnalysis.DroppedFile;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The simulated organization over time, seen through the ground truth: no HTTP needed. */
class SimulatedOrgTest {
    private final TestClock clock = new TestClock(START);

    @Test
    void historyIsSpreadOverTheSpanBeforeTheStart() {
        List<SimulatedSample> history = truth(Fixtures.mixed(), Duration.ZERO).samples();

        assertEquals(10, history.size());
        assertTrue(history.stream().allMatch(s -> !s.submittedAt().isBefore(START.minus(Duration.ofHours(1)))
                && s.submittedAt().isBefore(START)));
        assertTrue(Duration.between(history.get(0).submittedAt(), history.get(9).submittedAt())
                .compareTo(Duration.ofMinutes(50)) >= 0, "spread, not bunched");
    }

    @Test
    void submissionsArriveAtGapsAroundTheConfiguredMean() {
        SimulatorConfig config = SimulatorConfig.defaults(KEY);

        List<SimulatedSample> samples = truth(config, Duration.ofHours(1)).samples();

        List<SimulatedSample> fresh = samples.subList(config.historySamples(), samples.size());
        assertTrue(fresh.size() > 150 && fresh.size() < 210, "about one per 20 s in an hour: " + fresh.size());
        for (int i = 1; i < fresh.size(); i++) {
            long gap = Duration.between(fresh.get(i - 1).submittedAt(), fresh.get(i).submittedAt()).toSeconds();
            assertTrue(gap >= 10 && gap <= 30, "gap " + gap);
        }
    }

    @Test
    void eachSampleMovesThroughWaitPrepRunAndProcToItsFinalStateInWholeSeconds() {
        SimulatorConfig config = Fixtures.mixed();

        for (SimulatedSample s : truth(config, Duration.ofHours(1)).samples()) {
            List<Instant> steps = List.of(s.submittedAt(), s.prepAt(), s.runAt(), s.procAt(), s.completedAt());
            for (int i = 1; i < steps.size(); i++) {
                long seconds = Duration.between(steps.get(i - 1), steps.get(i)).toSeconds();
                assertTrue(seconds >= 5 && seconds <= 15, "about stateStep (10 s) each: " + seconds);
            }
            assertTrue(steps.stream().allMatch(t -> t.equals(t.truncatedTo(ChronoUnit.SECONDS))));
            assertEquals("wait", s.stateAt(s.submittedAt()));
            assertEquals("wait", s.stateAt(s.prepAt().minusMillis(1)));
            assertEquals("prep", s.stateAt(s.prepAt()));
            assertEquals("run", s.stateAt(s.runAt()));
            assertEquals("proc", s.stateAt(s.completedAt().minusMillis(1)));
            assertEquals(s.finalState(), s.stateAt(s.completedAt()));
            assertEquals(s.finalState().equals("succ") ? "job_done" : "job_failed", s.statusAt(s.completedAt()));
            assertEquals("analyzing_sample", s.statusAt(s.runAt()));
            assertEquals("pending", s.statusAt(s.submittedAt()));
        }
    }

    @Test
    void theGroundTruthHoldsOnlySamplesSubmittedByItsMoment() {
        SimulatorConfig config = Fixtures.mixed();
        try (ThreatGridSimulator simulator = new ThreatGridSimulator(config, clock)) {
            int before = simulator.groundTruth().samples().size();
            clock.advance(Duration.ofMinutes(3));
            GroundTruth truth = simulator.groundTruth();

            assertEquals(clock.instant(), truth.at());
            assertTrue(truth.samples().size() > before);
            assertTrue(truth.samples().stream().noneMatch(s -> s.submittedAt().isAfter(clock.instant())));
        }
    }

    @Test
    void stopsSubmittingWhenAskedOrAtTheMaximum() {
        try (ThreatGridSimulator stopped = new ThreatGridSimulator(SimulatorConfig.defaults(KEY), clock)) {
            clock.advance(Duration.ofMinutes(2));
            stopped.stopSubmissions();
            int atStop = stopped.groundTruth().samples().size();
            clock.advance(Duration.ofHours(2));
            assertEquals(atStop, stopped.groundTruth().samples().size());
        }
        try (ThreatGridSimulator capped = new ThreatGridSimulator(SimulatorConfig.defaults(KEY).withMaxSamples(15),
                clock)) {
            clock.advance(Duration.ofHours(2));
            assertEquals(15, capped.groundTruth().samples().size());
        }
    }

    @Test
    void theSameSeedMakesTheSameOrganizationAndAnotherSeedADifferentOne() {
        SimulatorConfig config = Fixtures.mixed();

        List<SimulatedSample> one = truth(config, Duration.ofMinutes(10)).samples();
        List<SimulatedSample> two = truth(config, Duration.ofMinutes(10)).samples();
        List<SimulatedSample> other = truth(config.withSeed(12), Duration.ofMinutes(10)).samples();

        assertEquals(one, two);
        assertNotEquals(ids(one), ids(other));
    }

    /** Pinned values: a change here means a seed no longer reproduces what it produced before. */
    @Test
    void aSeedGivesTheSameIdsAndArtifactBytesInEveryRun() {
        GroundTruth truth = truth(Fixtures.mixed(), Duration.ZERO);
        String first = truth.samples().get(0).id();

        assertEquals(List.of("83955f41c244982f4bc65d055e8a8da1", "09fa7b97f0a9506a59412d2ae1ce1de9"),
                ids(truth.samples().subList(0, 2)));
        assertEquals("succ", truth.samples().get(0).finalState());
        assertEquals(List.of("b2706f013bec4e38b2c3984d517d9516b1ec4bba4b41863ffc6f2abc335683ab",
                "b777a02ad35a28795640eaf22708af1ea831360c2b3a8e5fe29cdf09f58ea0a0",
                "6b92f8b174075723b808b8eeab19451d6ea8e1e639e5dfef78038f04963b5a52",
                "c0be7a7df2d28959597caea0db887b98711553b2045cc581826d3fa969f1b149"),
                Stream.of("analysis.json", "processes.json", "network.pcap", "video.webm")
                        .map(name -> truth.artifactSha256(first, name).orElse("absent")).toList());
    }

    @Test
    void idsAreUniqueLowercaseHexAndSubmissionIdsIncrease() {
        List<SimulatedSample> samples = truth(SimulatorConfig.defaults(KEY), Duration.ofHours(1)).samples();

        assertTrue(samples.stream().allMatch(s -> s.id().matches("[0-9a-f]{32}")));
        assertEquals(samples.size(), new HashSet<>(ids(samples)).size());
        for (int i = 1; i < samples.size(); i++) {
            assertTrue(samples.get(i).submissionId() > samples.get(i - 1).submissionId());
        }
    }

    @Test
    void failuresAndMissingLoginsShowUpAtRoughlyTheirRates() {
        List<SimulatedSample> samples = truth(SimulatorConfig.defaults(KEY), Duration.ofHours(2)).samples();

        double failed = samples.stream().filter(s -> s.finalState().equals("fail")).count() / (double) samples.size();
        double noLogin = samples.stream().filter(s -> s.login() == null).count() / (double) samples.size();
        assertTrue(failed > 0.05 && failed < 0.17, "fail share " + failed);
        assertTrue(noLogin > 0.01 && noLogin < 0.1, "null login share " + noLogin);
        assertEquals(Set.copyOf(SimulatorConfig.defaults(KEY).users()), samples.stream().map(SimulatedSample::login)
                .filter(Objects::nonNull).collect(Collectors.toSet()), "every user submits");
    }

    @Test
    void samplesShareDomainsAddressesIocsAndDroppedFilesFromReservedRanges() {
        List<SimulatedAnalysis> analyses = truth(Fixtures.mixed(), Duration.ofHours(1)).samples().stream()
                .map(SimulatedSample::analysis).toList();

        assertShared(analyses, SimulatedAnalysis::domains);
        assertShared(analyses, SimulatedAnalysis::ips);
        assertShared(analyses, a -> a.iocs().stream().map(SimulatedAnalysis.Ioc::name).toList());
        assertShared(analyses, a -> a.dropped().stream().map(DroppedFile::sha256).toList());
        for (SimulatedAnalysis a : analyses) {
            assertTrue(a.domains().stream().allMatch(d -> d.matches(".+\\.(example|example\\.(com|net|org))")),
                    a.domains().toString());
            assertTrue(a.ips().stream().allMatch(ip -> ip.matches("(192\\.0\\.2|198\\.51\\.100|203\\.0\\.113)\\.\\d+")),
                    a.ips().toString());
        }
    }

    @Test
    void refusesConfigurationsThatCannotBeSimulated() {
        SimulatorConfig ok = SimulatorConfig.defaults(KEY);
        List<Runnable> impossible = List.of(
                () -> new SimulatorConfig("", ok.users(), 0, ok.submitEvery(), 0, ok.historySpan(), 0,
                        ok.stateStep(), 0, 0, 0, 1),
                () -> new SimulatorConfig(KEY, List.of(), 0, ok.submitEvery(), 0, ok.historySpan(), 0,
                        ok.stateStep(), 0, 0, 0, 1),
                () -> new SimulatorConfig(KEY, ok.users(), 0, Duration.ZERO, 0, ok.historySpan(), 0,
                        ok.stateStep(), 0, 0, 0, 1),
                () -> new SimulatorConfig(KEY, ok.users(), 0, ok.submitEvery(), -1, ok.historySpan(), 0,
                        ok.stateStep(), 0, 0, 0, 1),
                () -> new SimulatorConfig(KEY, ok.users(), 0, ok.submitEvery(), 0, ok.historySpan(), 0,
                        ok.stateStep(), 1.5, 0, 0, 1));

        impossible.forEach(config -> assertThrows(IllegalArgumentException.class, config::run));
    }

    private GroundTruth truth(SimulatorConfig config, Duration after) {
        TestClock own = new TestClock(START);
        try (ThreatGridSimulator simulator = new ThreatGridSimulator(config, own)) {
            own.advance(after);
            return simulator.groundTruth();
        }
    }

    private static void assertShared(List<SimulatedAnalysis> analyses,
                                     Function<SimulatedAnalysis, Collection<String>> values) {
        Map<String, Long> counts = analyses.stream().flatMap(a -> values.apply(a).stream())
                .collect(Collectors.groupingBy(v -> v, Collectors.counting()));
        assertTrue(counts.values().stream().anyMatch(n -> n > 1), "some value recurs across samples: " + counts);
    }

    private static List<String> ids(List<SimulatedSample> samples) {
        return samples.stream().map(SimulatedSample::id).toList();
    }
}
