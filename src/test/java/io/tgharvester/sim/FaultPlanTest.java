package io.tgharvester.sim;

import static io.tgharvester.sim.Fixtures.KEY;
import static io.tgharvester.sim.Fixtures.START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.TestClock;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Fault injection: each kind of misbehaviour as a client sees it, and a plan's seed replaying the same faults. */
class FaultPlanTest {
    private static final String LIST = "/api/v2/samples?org_only=True";

    @RegisterExtension
    final RunningSimulator running = new RunningSimulator(Duration.ofHours(1));

    @Test
    void rateLimitsAnswer429WithRetryAfterOnEveryOtherOne() throws Exception {
        running.simulator().faults(new FaultPlan(1, 0, 0, 0, 0, 0, 0, 1));

        List<Optional<String>> retryAfter = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            HttpResponse<byte[]> response = running.calls().get(LIST);
            assertEquals(429, response.statusCode());
            assertEquals(429.0, ((Map<?, ?>) SimulatorCalls.json(response.body()).get("error")).get("code"));
            retryAfter.add(response.headers().firstValue("Retry-After"));
        }

        assertEquals(2, retryAfter.stream().filter(Optional::isPresent).count());
        assertTrue(retryAfter.stream().flatMap(Optional::stream).allMatch("1"::equals));
    }

    @Test
    void serverErrorsAnswer5xx() throws Exception {
        running.simulator().faults(new FaultPlan(0, 1, 0, 0, 0, 0, 0, 1));

        for (int i = 0; i < 3; i++) {
            assertTrue(Set.of(500, 502, 503).contains(running.calls().get(LIST).statusCode()));
        }
    }

    @Test
    void resetsDropTheConnectionUnanswered() {
        running.simulator().faults(new FaultPlan(0, 0, 1, 0, 0, 0, 0, 1));

        assertThrows(IOException.class, () -> running.calls().get(LIST));
    }

    @Test
    void slowAnswersComeLateButWhole() throws Exception {
        running.simulator().faults(new FaultPlan(0, 0, 0, 1, 0, 0, 300, 1));

        long started = System.nanoTime();
        HttpResponse<byte[]> response = running.calls().get(LIST);

        assertTrue(System.nanoTime() - started >= 300_000_000L);
        assertEquals(200, response.statusCode());
    }

    @Test
    void truncatedDownloadsEndBeforeTheirContentLength() {
        SimulatedSample sample = running.simulator().groundTruth().samples().stream()
                .filter(s -> s.finalState().equals("succ")).findFirst().orElseThrow();
        running.simulator().faults(new FaultPlan(0, 0, 0, 0, 1, 0, 0, 1));

        assertThrows(IOException.class, () -> running.calls().get("/api/v2/samples/" + sample.id() + "/analysis.json"));
    }

    @Test
    void malformedAnswersAreCutOffMidDocument() throws Exception {
        running.simulator().faults(new FaultPlan(0, 0, 0, 0, 0, 1, 0, 1));

        HttpResponse<byte[]> response = running.calls().get(LIST);

        assertEquals(200, response.statusCode());
        assertThrows(IOException.class, () -> SimulatorCalls.json(response.body()));
    }

    @Test
    void errorsIn200AnswersCarryAServerErrorEnvelopeInsteadOfDataOrTheArtifact() throws Exception {
        SimulatedSample sample = running.simulator().groundTruth().samples().stream()
                .filter(s -> s.finalState().equals("succ")).findFirst().orElseThrow();
        running.simulator().faults(new FaultPlan(0, 0, 0, 0, 0, 0, 1, 0, 1));

        for (String path : List.of(LIST, "/api/v2/samples/" + sample.id() + "/analysis.json")) {
            HttpResponse<byte[]> response = running.calls().get(path);
            Map<?, ?> body = SimulatorCalls.json(response.body());

            assertEquals(200, response.statusCode(), path);
            assertEquals(2.0, body.get("api_version"), path);
            assertTrue(Set.of(500.0, 502.0, 503.0).contains(((Map<?, ?>) body.get("error")).get("code")), path);
            assertFalse(body.containsKey("data"), path);
        }
    }

    @Test
    void theSamePlanSeedHitsTheSameRequestsAndNoneSwitchesFaultsOff() throws Exception {
        FaultPlan plan = new FaultPlan(0.3, 0.3, 0, 0, 0, 0, 0, 5);
        TestClock twinClock = new TestClock(START);
        try (ThreatGridSimulator twin = new ThreatGridSimulator(Fixtures.mixed(), twinClock)) {
            twin.start(0);
            SimulatorCalls twinCalls = new SimulatorCalls(twin, KEY);
            running.simulator().faults(plan);
            twin.faults(plan);

            List<Integer> mine = new ArrayList<>();
            List<Integer> theirs = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                mine.add(running.calls().get(LIST).statusCode());
                theirs.add(twinCalls.get(LIST).statusCode());
            }

            assertEquals(mine, theirs);
            assertTrue(mine.contains(200) && mine.stream().anyMatch(code -> code != 200), mine.toString());
        }
        running.simulator().faults(FaultPlan.NONE);
        for (int i = 0; i < 5; i++) {
            assertEquals(200, running.calls().get(LIST).statusCode());
        }
    }
}
