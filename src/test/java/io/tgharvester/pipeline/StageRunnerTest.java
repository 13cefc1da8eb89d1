package io.tgharvester.pipeline;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.tgharvester.TestApi;
import io.tgharvester.TestClock;
import io.tgharvester.TgJson;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.store.Database;
import io.tgharvester.store.JobRunStore;
import io.tgharvester.store.Queries;
import io.tgharvester.store.SampleStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
    void anOutageLogsOneWarningSkipsCallsWhileBackingOffAndLogsTheRecovery() {
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
            StageRunner runner = new StageRunner(new JobRunStore(db), new ServerBackoff(clock, new Random(2), Duration.ofSeconds(15),
                    Duration.ofMinutes(15)), clock);
            wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(aResponse().withStatus(503)));

            List<StageResult.Status> outcomes = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                outcomes.add(runner.run(fetcher).status());
                outcomes.add(runner.run(fetcher).status()); // at once: still backing off
                clock.advance(Duration.ofHours(1));
            }
            wm.stubFor(get(urlPathEqualTo("/api/v2/samples")).willReturn(okJson(TgJson.page(0, 100, List.of()))));
            outcomes.add(runner.run(fetcher).status());

            for (int i = 0; i < 8; i += 2) {
                assertEquals(StageResult.Status.FAILED, outcomes.get(i));
                assertEquals(StageResult.Status.SKIPPED, outcomes.get(i + 1));
            }
            assertEquals(StageResult.Status.DONE, outcomes.get(8));
            // Each failed round is one call sent harvester.retry.attempts times; the recovery's is sent once.
            assertEquals(4 * TestApi.PACKAGED_RETRIES.attempts() + 1,
                    wm.findAll(getRequestedFor(urlPathEqualTo("/api/v2/samples"))).size(), "no call while backing off");
            assertEquals(1, count(events, Level.WARN, "event=stage-failed"), "one line per incident");
            assertEquals(3, count(events, Level.DEBUG, "event=stage-failed"));
            assertEquals(1, count(events, Level.INFO, "event=recovered stage=fetch after_failures=4"));
            assertEquals(List.of(List.of("fetch")), new Queries(db).userQuery(
                    "SELECT job FROM job_runs WHERE last_failure_at < last_success_at").rows());
        } finally {
            logger.detachAppender(events);
            logger.setLevel(level);
        }
    }

    private static long count(ListAppender<ILoggingEvent> events, Level level, String text) {
        return events.list.stream().filter(e -> e.getLevel() == level)
                .filter(e -> e.getFormattedMessage().contains(text)).count();
    }
}
