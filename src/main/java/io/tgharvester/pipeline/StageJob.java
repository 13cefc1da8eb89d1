package io.tgharvester.pipeline;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;

/**
 * A Quartz job that runs one stage of the {@link Harvester} kept in the scheduler context. When the stage saw new
 * successes it fires the download job at once rather than waiting for its next tick; the work itself still goes
 * through the database. A stage may ask for more after a completed round (see {@link #afterRound}).
 */
@DisallowConcurrentExecution
abstract class StageJob implements Job {
    abstract Stage stage(Harvester harvester);

    /** What a completed round of this stage sets going next; nothing by default. */
    void afterRound(Harvester harvester, Scheduler scheduler) throws SchedulerException {
    }

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        try {
            Harvester harvester = (Harvester) context.getScheduler().getContext().get(HarvestScheduler.HARVESTER);
            StageResult result = harvester.runner().run(stage(harvester));
            if (result.newSuccesses() > 0 && !context.getScheduler().isShutdown()) {
                context.getScheduler().triggerJob(HarvestScheduler.DOWNLOAD);
            }
            if (result.status() == StageResult.Status.DONE && !context.getScheduler().isShutdown()) {
                afterRound(harvester, context.getScheduler());
            }
        } catch (SchedulerException e) {
            throw new JobExecutionException(e);
        }
    }
}
