package io.tgharvester.pipeline;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;

/**
 * A Quartz job that runs one stage of the {@link Harvester} kept in the scheduler context; a connection's jobs have its
 * alias as their group. When the stage saw new successes it fires that connection's download job at once rather than
 * waiting for its next tick; the work itself still goes through the database. A stage may ask for more after a
 * completed round (see {@link #afterRound}).
 */
@DisallowConcurrentExecution
abstract class StageJob implements Job {
    /** The stage this job runs, and the runner (its connection's, with its back-off) that runs it. */
    abstract Stage stage(Harvester harvester, String connection);

    StageRunner runner(Harvester harvester, String connection) {
        return harvester.connection(connection).runner();
    }

    /** What a completed round of this stage sets going next; nothing by default. */
    void afterRound(Harvester harvester, String connection, Scheduler scheduler) throws SchedulerException {
    }

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        try {
            Harvester harvester = (Harvester) context.getScheduler().getContext().get(HarvestScheduler.HARVESTER);
            String connection = context.getJobDetail().getKey().getGroup();
            StageResult result = runner(harvester, connection).run(stage(harvester, connection));
            if (result.newSuccesses() > 0 && !context.getScheduler().isShutdown()) {
                context.getScheduler().triggerJob(HarvestScheduler.download(connection));
            }
            if (result.status() == StageResult.Status.DONE && !context.getScheduler().isShutdown()) {
                afterRound(harvester, connection, context.getScheduler());
            }
        } catch (SchedulerException e) {
            throw new JobExecutionException(e);
        }
    }
}
