package io.tgharvester.pipeline;

import java.time.Duration;
import java.util.Optional;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerContext;
import org.quartz.SchedulerException;

/**
 * A Quartz job that runs one stage of the {@link Harvester} kept in the scheduler context; a connection's jobs have its
 * alias as their group. When the stage saw new successes it fires that connection's download job at once rather than
 * waiting for its next tick; the work itself still goes through the database. A stage may ask for more after a
 * completed round (see {@link #afterRound}); one cut short while all calls pause runs again as the pause ends, and
 * one failed on a passing fault within seconds ({@link StageRunner#againAfterFailure}).
 */
@DisallowConcurrentExecution
abstract class StageJob implements Job {
    /** The stage this job runs, and the runner (its connection's, with its back-off) that runs it. */
    abstract Stage stage(Harvester harvester, String connection);

    StageRunner runner(Harvester harvester, String connection) {
        return harvester.connection(connection).runner();
    }

    /** What a completed round of this stage sets going next; nothing by default. */
    void afterRound(Harvester harvester, String connection, HarvestScheduler schedules) throws SchedulerException {
    }

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        try {
            SchedulerContext scheduled = context.getScheduler().getContext();
            Harvester harvester = (Harvester) scheduled.get(HarvestScheduler.HARVESTER);
            HarvestScheduler schedules = (HarvestScheduler) scheduled.get(HarvestScheduler.SCHEDULES);
            String connection = context.getJobDetail().getKey().getGroup();
            StageRunner runner = runner(harvester, connection);
            StageResult result = runner.run(stage(harvester, connection));
            if (schedules.shuttingDown()) {
                return;
            }
            if (result.newSuccesses() > 0) {
                schedules.downloadNow(connection);
            }
            if (result.status() == StageResult.Status.DONE) {
                afterRound(harvester, connection, schedules);
            } else {
                Optional<Duration> pause = runner.pauseLeft();
                if (pause.isPresent()) {
                    schedules.runAgainIn(context.getJobDetail().getKey(), pause.get());
                } else if (result.status() == StageResult.Status.FAILED && StagePatience.passing(result.failure())) {
                    // a call still failing after its own retries from a server that is up: soon, not an interval on
                    schedules.runAgainIn(context.getJobDetail().getKey(), runner.againAfterFailure());
                }
            }
        } catch (SchedulerException e) {
            throw new JobExecutionException(e);
        }
    }
}
