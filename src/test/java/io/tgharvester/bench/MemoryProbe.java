package io.tgharvester.bench;

import io.tgharvester.TestApi;
import io.tgharvester.api.Sample;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.artifacts.ArtifactFiles;
import io.tgharvester.config.ApiKey;
import io.tgharvester.config.HarvesterConfig.AuthMode;
import io.tgharvester.correlate.AnalysisParser;
import io.tgharvester.pipeline.ArtifactCollector;
import io.tgharvester.pipeline.RetryDelay;
import io.tgharvester.store.ArtifactStore;
import io.tgharvester.store.CorrelationStore;
import io.tgharvester.store.Database;
import io.tgharvester.store.SampleStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The child JVM of the memory benchmark, run with a small heap: downloads one big artifact through the real download
 * stage ({@code download BASE_URL DATA_DIR}), or parses one big analysis.json into the correlation tables
 * ({@code parse FILE DATA_DIR}).
 */
public final class MemoryProbe {
    static final String SAMPLE = "%032x".formatted(7);

    private MemoryProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[2]);
        try (Database db = Database.open(dataDir)) {
            List<String> artifacts = List.of("network.pcap");
            new SampleStore(db, artifacts).storePage(List.of(new Sample(SAMPLE, "succ", Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(Instant.now()),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    List.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())),
                    Instant.now());
            if (args[0].equals("download")) {
                ThreatGridClient client = ThreatGridClient.connect(URI.create(args[1]), new ApiKey("bench-key"),
                        AuthMode.HEADER, Optional.empty(), Duration.ofMinutes(5), TestApi.PACKAGED_RETRIES);
                new ArtifactCollector(client, new ArtifactStore(db), new ArtifactFiles(dataDir), Clock.systemUTC(),
                        new RetryDelay(Duration.ofSeconds(5), Duration.ofHours(1), new Random()), 1).run();
            } else {
                AnalysisParser parser = new AnalysisParser();
                new CorrelationStore(db).replace(SAMPLE, Instant.now(),
                        sink -> parser.parse(Path.of(args[1]), Optional.empty(), sink));
            }
        }
    }
}
