package io.tgharvester.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.config.HarvesterConfig;
import java.time.Instant;
import java.util.List;

/** Runs the daemon's scheduler on a harvester until it has downloaded a number of artifacts, then stops it. */
final class ScheduledHarvest {
    private ScheduledHarvest() {
    }

    static void untilDone(Harvester harvester, HarvesterConfig cfg, long artifacts) throws InterruptedException {
        HarvestScheduler scheduler = new HarvestScheduler(harvester, cfg.fetchInterval(), cfg.stateInterval(),
                cfg.downloadInterval());
        scheduler.start();
        try {
            Instant deadline = Instant.now().plusSeconds(20);
            while (!harvester.queries().userQuery("SELECT COUNT(*) FROM artifacts WHERE status = 'done'")
                    .rows().equals(List.of(List.of(artifacts)))) {
                assertTrue(Instant.now().isBefore(deadline), "the daemon did not download " + artifacts
                        + " artifacts within 20 s");
                Thread.sleep(100);
            }
        } finally {
            scheduler.close();
        }
    }
}
