package io.tgharvester.pipeline;

import java.time.Duration;
import java.util.Optional;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;

/**
 * Downloads the artifacts of samples that reached {@code succ}; then has the new files parsed, and comes back as soon
 * as a failed artifact is due again, not only at its next tick.
 */
public final class DownloadArtifactsJob extends StageJob {
    @Override
    Stage stage(Harvester harvester) {
        return harvester.collector();
    }

    @Override
    void afterRound(Harvester harvester, Scheduler scheduler) throws SchedulerException {
        scheduler.triggerJob(HarvestScheduler.PARSE);
        Optional<Duration> nextRetry = harvester.collector().untilNextRetry();
        if (nextRetry.isPresent()) {
            HarvestScheduler.downloadAgainIn(scheduler, nextRetry.get());
        }
    }
}
