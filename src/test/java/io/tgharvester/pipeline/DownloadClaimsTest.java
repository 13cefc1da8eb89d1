package io.tgharvester.pipeline;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.tgharvester.TestSamples.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.tgharvester.TestApi;
import io.tgharvester.TgJson;
import io.tgharvester.artifacts.ArtifactFiles;
import io.tgharvester.store.ArtifactStore;
import io.tgharvester.store.ArtifactTask;
import io.tgharvester.store.Claimant;
import io.tgharvester.store.Database;
import io.tgharvester.store.Queries;
import io.tgharvester.store.SampleStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node keeps the artifacts it downloads claimed for as long as the download takes, renewing its claim every quarter
 * lease, and gives every claim up when the round ends.
 */
class DownloadClaimsTest {
    /** The shortest lease the configuration allows, so that a download outlasts it within the test. */
    private static final Duration LEASE = Duration.ofSeconds(3);

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @TempDir
    Path dataDir;

    @Test
    void aDownloadLongerThanTheLeaseStaysClaimedUntilItEndsAndNoClaimOutlivesTheRound() throws Exception {
        String id = TgJson.id(7);
        // 64 kB sent over 7 s: more than twice the lease
        wm.stubFor(get("/api/v2/samples/" + id + "/analysis.json")
                .willReturn(aResponse().withBody(new byte[64 * 1024]).withChunkedDribbleDelay(70, 7000)));
        try (Database db = Database.open(dataDir)) {
            new SampleStore(db, List.of("analysis.json"), "default").storePage(List.of(sample(7, "succ",
                    Instant.now())), Instant.now());
            ArtifactCollector collector = new ArtifactCollector(TestApi.configured(Map.of("tg.api-key", "key",
                    "tg.base-url", wm.baseUrl(), "harvester.proxy", "direct")),
                    new ArtifactStore(db, "default", new Claimant("node-a", LEASE)), new ArtifactFiles(dataDir),
                    Clock.systemUTC(), new RetryDelay(Duration.ofSeconds(1), Duration.ofHours(1), new Random(1)), 4);
            ArtifactStore otherNode = new ArtifactStore(db, "default", new Claimant("node-b", LEASE));

            CompletableFuture<Integer> round = CompletableFuture.supplyAsync(collector::run);
            Thread.sleep(LEASE.toMillis() + 2000);
            List<ArtifactTask> takenOver = otherNode.due(Instant.now(), 10);
            round.get();

            assertEquals(List.of(), takenOver, "claimed while node-a was still downloading it");
            assertEquals(List.of(List.of("done", 1)), new Queries(db).userQuery(
                    "SELECT status, attempts FROM artifacts").rows());
            assertEquals(List.of(List.of(0L)), new Queries(db).userQuery(
                    "SELECT COUNT(*) FROM artifacts WHERE claimed_by IS NOT NULL OR claimed_until IS NOT NULL").rows());
        }
    }
}
