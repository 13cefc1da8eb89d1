package io.tgharvester.pipeline;

import org.quartz.Scheduler;
import org.quartz.SchedulerException;

/** Parses downloaded analyses into the correlation tables; then has the newly parsed samples analyzed. */
public final class ParseAnalysesJob extends StageJob {
    @Override
    Stage stage(Harvester harvester) {
        return harvester.indexer();
    }

    @Override
    void afterRound(Harvester harvester, Scheduler scheduler) throws SchedulerException {
        scheduler.triggerJob(HarvestScheduler.ANALYZE);
    }
}
