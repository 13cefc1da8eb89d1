package io.tgharvester.pipeline;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the scheduled report kept in the scheduler context. A failure (a full disk, a database being closed) is one
 * WARN line; the harvest goes on and the next scheduled run writes a fresh report.
 */
@DisallowConcurrentExecution
public final class WriteReportJob implements Job {
    private static final Logger log = LoggerFactory.getLogger(WriteReportJob.class);

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        Runnable writeReport;
        try {
            writeReport = (Runnable) context.getScheduler().getContext().get(HarvestScheduler.REPORT);
        } catch (SchedulerException e) {
            throw new JobExecutionException(e);
        }
        try {
            writeReport.run();
        } catch (RuntimeException e) {
            log.warn("event=report-failed reason=\"{}\"", e.getMessage());
        }
    }
}
