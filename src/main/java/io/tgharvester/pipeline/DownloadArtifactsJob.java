package io.tgharvester.pipeline;

import java.time.Duration;
import java.util.Optional;
import org.quartz.SchedulerException;

/**
 * Downloads the artifacts of a connection's samples that reached {@code succ}; then has the new files parsed, and
 * comes back as soon as a failed artifact is due again, not only at its next tick.
 */
public final class DownloadArtifactsJob extends StageJob {
    @Override
    Stage stage(Harvester harvester, String connection) {
        return harvester.connection(connection).download();
    }

    @Override
    void afterRound(Harvester harvester, String connection, HarvestScheduler schedules) throws SchedulerException {
        schedules.runNow(HarvestScheduler.PARSE);
        Optional<Duration> nextRetry = harvester.connection(connection).collector().untilNextRetry();
        if (nextRetry.isPresent()) {
            schedules.runAgainIn(HarvestScheduler.download(connection), nextRetry.get());
        }
    }
}
