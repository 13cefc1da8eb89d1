package io.tgharvester.pipeline;

import io.tgharvester.config.HarvesterConfig.ReportSchedule;
import java.time.Duration;
import java.util.Date;
import java.util.Properties;
import java.util.TimeZone;
import org.quartz.CronScheduleBuilder;
import org.quartz.JobBuilder;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

/**
 * All Quartz wiring: each connection's fetch, state and download jobs on their intervals (their job group is the
 * connection's alias), the parse and analyze jobs, in memory (the database is the durable queue), and optionally the
 * report job on its cron schedule. Parsing runs on the download interval too, and right after every download round;
 * the analyzers likewise right after every parse round; a connection's download job also runs once more when one of
 * its failed artifacts is due before its next tick.
 */
public final class HarvestScheduler implements AutoCloseable {
    static final String HARVESTER = "harvester";
    private static final String FETCH = "fetch-samples";
    private static final String STATE = "check-states";
    private static final String DOWNLOAD = "download-artifacts";
    static final String REPORT = "report";
    private static final JobKey WRITE_REPORT = JobKey.jobKey("write-report");
    static final JobKey PARSE = JobKey.jobKey("parse-analyses");
    static final JobKey ANALYZE = JobKey.jobKey("analyze-samples");

    private final Scheduler scheduler;
    private final Harvester harvester;

    public HarvestScheduler(Harvester harvester, Duration fetchEvery, Duration stateEvery, Duration downloadEvery) {
        this.harvester = harvester;
        try {
            Properties props = new Properties();
            props.setProperty("org.quartz.scheduler.instanceName", "tg-harvester-" + System.identityHashCode(this));
            props.setProperty("org.quartz.threadPool.threadCount", "5");
            props.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
            props.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
            scheduler = new StdSchedulerFactory(props).getScheduler();
            scheduler.getContext().put(HARVESTER, harvester);
            for (String alias : harvester.connectionAliases()) {
                schedule(FetchSamplesJob.class, JobKey.jobKey(FETCH, alias), fetchEvery);
                schedule(CheckStatesJob.class, JobKey.jobKey(STATE, alias), stateEvery);
                schedule(DownloadArtifactsJob.class, download(alias), downloadEvery);
            }
            schedule(ParseAnalysesJob.class, PARSE, downloadEvery);
            schedule(AnalyzeSamplesJob.class, ANALYZE, downloadEvery);
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot set up the Quartz scheduler: " + e.getMessage(), e);
        }
    }

    /** Runs {@code writeReport} on {@code schedule}'s cron expression, read in its zone. */
    public void scheduleReport(ReportSchedule schedule, Runnable writeReport) {
        try {
            scheduler.getContext().put(REPORT, writeReport);
            scheduler.scheduleJob(JobBuilder.newJob(WriteReportJob.class).withIdentity(WRITE_REPORT).build(),
                    TriggerBuilder.newTrigger().withIdentity(WRITE_REPORT.getName())
                            .withSchedule(CronScheduleBuilder.cronSchedule(schedule.cron())
                                    .inTimeZone(TimeZone.getTimeZone(schedule.zone()))
                                    .withMisfireHandlingInstructionDoNothing())
                            .build());
        } catch (SchedulerException | RuntimeException e) {
            throw new IllegalStateException("cannot schedule the report job: " + e.getMessage(), e);
        }
    }

    /** The download job of the connection of this alias. */
    static JobKey download(String alias) {
        return JobKey.jobKey(DOWNLOAD, alias);
    }

    /**
     * Fires a job once after {@code delay}, unless one of its triggers fires by then anyway: a failed artifact is
     * retried when it is due, and a stage cut short by a pause runs again when the pause ends, not up to an interval
     * later.
     */
    static void runAgainIn(Scheduler scheduler, JobKey job, Duration delay) throws SchedulerException {
        Date at = new Date(System.currentTimeMillis() + Math.max(0, delay.toMillis()));
        boolean firesByThen = scheduler.getTriggersOfJob(job).stream().map(Trigger::getNextFireTime)
                .anyMatch(next -> next != null && !next.after(at));
        if (!firesByThen) {
            scheduler.scheduleJob(TriggerBuilder.newTrigger().forJob(job).startAt(at).build());
        }
    }

    public void start() {
        try {
            scheduler.start();
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot start the Quartz scheduler: " + e.getMessage(), e);
        }
    }

    /** Stops scheduling, cuts off downloads in progress (they stay due) and waits for every running job to end. */
    @Override
    public void close() {
        try {
            scheduler.standby();
            harvester.stopStages();
            scheduler.shutdown(true);
        } catch (SchedulerException e) {
            throw new IllegalStateException("Quartz did not stop cleanly: " + e.getMessage(), e);
        }
    }

    private void schedule(Class<? extends StageJob> job, JobKey key, Duration every) throws SchedulerException {
        scheduler.scheduleJob(
                JobBuilder.newJob(job).withIdentity(key).build(),
                TriggerBuilder.newTrigger().withIdentity(key.getName(), key.getGroup())
                        .startNow()
                        .withSchedule(SimpleScheduleBuilder.simpleSchedule()
                                .withIntervalInMilliseconds(every.toMillis())
                                .repeatForever()
                                .withMisfireHandlingInstructionNextWithRemainingCount())
                        .build());
    }
}
