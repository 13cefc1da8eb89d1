package io.tgharvester.pipeline;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.tgharvester.TestApi;
import io.tgharvester.TestClock;
import io.tgharvester.TgJson;
import io.tgharvester.api.CallStats;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.store.Database;
import io.tgharvester.store.JobRunStore;
import io.tgharvester.store.Queries;
import io.tgharvester.store.SampleStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class StageRunnerTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @TempDir
    Path dataDir;

    @Test
    void aPassingFaultPausesNothingButAnOutagePausesAllCallsUntilAProbeSucceeds() {
        TestClock clock = new TestClock(Instant.parse("2026-11-20T10:00:00Z"));
        Logger logger = (Logger) LoggerFactory.getLogger(StageRunner.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        Level level = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        try (Database db = Database.open(dataDir)) {
            ThreatGridClient client = TestApi.client(wm.baseUrl());
            SampleFetcher fetcher = new SampleFetcher(client, new SampleStore(db, List.of()), clock,
                    Duration.ofMinutes(10), Duration.ofDays(1), 100);
            ServerBackoff backoff = new ServerBackoff(clock, new Random(2), Duration.ofSeconds(15),
                    Duration.ofMinutes(15), client::recentCalls);
            StageRunner runner = new StageRunner(new JobRunStore(db), backoff, clock, client::probe,
                    StageObserver.NONE);
            wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(aResponse().withStatus(503)));

            assertEquals(StageResult.Status.FAILED, runner.run(fetcher).status());
            assertEquals(Optional.empty(), backoff.blockedUntil(), "one failed call is no outage");
            StageResult.Status status;
            do {
                status = runner.run(fetcher).status();
            } while (status == StageResult.Status.FAILED && backoff.blockedUntil().isEmpty());
            int callsWhenDown = calls();
            assertEquals(6, callsWhenDown, "six refused calls in a row are an outage");
            Instant firstPauseEnds = backoff.blockedUntil().orElseThrow();

            assertEquals(StageResult.Status.SKIPPED, runner.run(fetcher).status());
            assertEquals(callsWhenDown, calls(), "no call while paused");

            clock.set(firstPauseEnds);
            assertEquals(StageResult.Status.FAILED, runner.run(fetcher).status(), "the probe after the pause fails");
            assertTrue(limitsAsked().subList(callsWhenDown, calls()).stream().allMatch("1"::equals),
                    "only the probe, a page of one, went out: " + limitsAsked());
            Duration secondPause = Duration.between(clock.instant(), backoff.blockedUntil().orElseThrow());
            assertTrue(secondPause.compareTo(Duration.between(Instant.parse("2026-11-20T10:00:00Z"), firstPauseEnds))
                    > 0, "a failed probe lengthens the pause");

            wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(okJson(TgJson.page(0, 100, List.of()))));
            clock.advance(secondPause);
            int beforeRecovery = calls();
            assertEquals(StageResult.Status.DONE, runner.run(fetcher).status());
            assertEquals(Optional.empty(), backoff.blockedUntil(), "a successful probe resumes every stage at once");
            assertEquals(List.of("1", "100"), limitsAsked().subList(beforeRecovery, calls()), "the probe, then the fetch");
            assertEquals(new CallStats.Window(1, 1, 0), client.recentCalls(),
                    "the probe's success cleared the outage's refusals, so nothing is held back");

            assertEquals(1, count(events, Level.WARN, "event=stage-failed"), "one line per incident");
            assertEquals(1, count(events, Level.INFO, "event=recovered probe=ok"));
            assertEquals(List.of(List.of("fetch")), new Queries(db).userQuery(
                    "SELECT job FROM job_runs WHERE last_failure_at < last_success_at").rows());
        } finally {
            logger.detachAppender(events);
            logger.setLevel(level);
        }
    }

    private static int calls() {
        return wm.findAll(getRequestedFor(urlPathEqualTo("/api/v2/samples"))).size();
    }

    /** The limit of each list call, in the order sent. */
    private static List<String> limitsAsked() {
        return wm.findAll(getRequestedFor(urlPathEqualTo("/api/v2/samples"))).stream()
                .map(r -> r.queryParameter("limit").firstValue()).toList();
    }

    private static long count(ListAppender<ILoggingEvent> events, Level level, String text) {
        return events.list.stream().filter(e -> e.getLevel() == level)
                .filter(e -> e.getFormattedMessage().contains(text)).count();
    }
}
