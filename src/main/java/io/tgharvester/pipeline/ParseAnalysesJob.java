package io.tgharvester.pipeline;

import org.quartz.SchedulerException;

/**
 * Parses downloaded analyses, of every connection, into the correlation tables; then has the newly parsed samples
 * analyzed.
 */
public final class ParseAnalysesJob extends LocalStageJob {
    @Override
    Stage stage(Harvester harvester, String connection) {
        return harvester.indexer();
    }

    @Override
    void afterRound(Harvester harvester, String connection, HarvestScheduler schedules) throws SchedulerException {
        schedules.runNow(HarvestScheduler.ANALYZE);
    }
}
