package io.tgharvester.pipeline;

import io.tgharvester.config.DatabaseSettings;
import io.tgharvester.config.HarvesterConfig.ReportSchedule;
import java.time.Duration;
import java.util.Date;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.TimeZone;
import org.quartz.CronScheduleBuilder;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All Quartz wiring: each connection's fetch, state and download jobs on their intervals (their job group is the
 * connection's alias), the parse and analyze jobs, and optionally the report job on its cron schedule. Parsing runs on
 * the download interval too, and right after every download round; the analyzers likewise right after every parse
 * round; a connection's download job also runs as soon as its fetch stores newly succeeded samples (page by page, while
 * a long listing goes on), and once more when one of its failed artifacts is due before its next tick.
 *
 * <p>On H2 every job is in one scheduler, in memory (the database is the durable queue). On PostgreSQL the nodes form a
 * Quartz cluster: fetch, state, parse, analyze and report are in its JDBC JobStore (schema {@code quartz}), so each
 * runs on one node at a time ({@link StageJob} disallows concurrent runs, which a clustered store holds across nodes)
 * and a dead node's turn passes to the others; downloads stay in a scheduler of the node's own, so that every node
 * downloads, what it claims (see {@code ArtifactStore}).
 */
public final class HarvestScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HarvestScheduler.class);
    static final String HARVESTER = "harvester";
    static final String SCHEDULES = "schedules";
    static final String REPORT = "report";
    /** The cluster's name: the same on every node, as it is what makes them one cluster. */
    static final String CLUSTER = "tg-harvester";
    private static final String FETCH = "fetch-samples";
    private static final String STATE = "check-states";
    private static final String DOWNLOAD = "download-artifacts";
    private static final JobKey WRITE_REPORT = JobKey.jobKey("write-report");
    static final JobKey PARSE = JobKey.jobKey("parse-analyses");
    static final JobKey ANALYZE = JobKey.jobKey("analyze-samples");
    /** How often a clustered node checks in; one silent for longer (and 7.5 s grace) is taken for dead. */
    private static final Duration CHECK_IN = Duration.ofMillis(7500);
    private static final int THREADS = 5;

    /** The jobs every node shares: clustered on PostgreSQL; on H2 also this node's own, {@link #own}. */
    private final Scheduler shared;
    /** This node's downloads. */
    private final Scheduler own;
    private final Harvester harvester;

    /** The jobs of a harvester that works alone (H2), every one in one scheduler in memory. */
    public HarvestScheduler(Harvester harvester, Duration fetchEvery, Duration stateEvery, Duration downloadEvery) {
        this(harvester, DatabaseSettings.embedded(), fetchEvery, stateEvery, downloadEvery);
    }

    /** The jobs of a harvester on the database {@code database} names: a cluster's node on PostgreSQL. */
    public HarvestScheduler(Harvester harvester, DatabaseSettings database, Duration fetchEvery, Duration stateEvery,
                            Duration downloadEvery) {
        this.harvester = harvester;
        try {
            own = inMemory();
            shared = database.shared() ? clustered(database) : own;
            Set<JobKey> jobs = new HashSet<>();
            for (String alias : harvester.connectionAliases()) {
                jobs.add(schedule(shared, FetchSamplesJob.class, JobKey.jobKey(FETCH, alias), fetchEvery));
                jobs.add(schedule(shared, CheckStatesJob.class, JobKey.jobKey(STATE, alias), stateEvery));
                schedule(own, DownloadArtifactsJob.class, download(alias), downloadEvery);
                harvester.connection(alias).succeeded().listen(() -> downloadSoon(alias));
            }
            jobs.add(schedule(shared, ParseAnalysesJob.class, PARSE, downloadEvery));
            jobs.add(schedule(shared, AnalyzeSamplesJob.class, ANALYZE, downloadEvery));
            if (shared != own) {
                removeOthers(jobs);
            }
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot set up the Quartz scheduler: " + e.getMessage(), e);
        }
    }

    private Scheduler inMemory() throws SchedulerException {
        Properties props = new Properties();
        props.setProperty("org.quartz.scheduler.instanceName", "tg-harvester-" + System.identityHashCode(this));
        props.setProperty("org.quartz.threadPool.threadCount", String.valueOf(THREADS));
        props.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        return withContext(props);
    }

    /** This node's member of the cluster, with a small connection pool of Quartz's own. */
    private Scheduler clustered(DatabaseSettings database) throws SchedulerException {
        Properties props = new Properties();
        props.setProperty("org.quartz.scheduler.instanceName", CLUSTER);
        props.setProperty("org.quartz.scheduler.instanceId", database.nodeId());
        props.setProperty("org.quartz.threadPool.threadCount", String.valueOf(THREADS));
        props.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        props.setProperty("org.quartz.jobStore.driverDelegateClass",
                "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        props.setProperty("org.quartz.jobStore.tablePrefix", "quartz.qrtz_");
        props.setProperty("org.quartz.jobStore.isClustered", "true");
        props.setProperty("org.quartz.jobStore.clusterCheckinInterval", String.valueOf(CHECK_IN.toMillis()));
        // Without it two nodes can both fire one trigger (quartz-scheduler/quartz#107, a race in acquisition).
        props.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        // Data sources are kept by name for the whole JVM (DBConnectionManager): each scheduler gets its own.
        String source = "tg-harvester-" + System.identityHashCode(this);
        props.setProperty("org.quartz.jobStore.dataSource", source);
        props.setProperty("org.quartz.dataSource." + source + ".provider", "hikaricp");
        props.setProperty("org.quartz.dataSource." + source + ".driver", "org.postgresql.Driver");
        props.setProperty("org.quartz.dataSource." + source + ".URL", database.url().orElseThrow());
        props.setProperty("org.quartz.dataSource." + source + ".user", database.user());
        props.setProperty("org.quartz.dataSource." + source + ".password", database.password());
        props.setProperty("org.quartz.dataSource." + source + ".maxConnections", String.valueOf(THREADS + 2));
        return withContext(props);
    }

    private Scheduler withContext(Properties props) throws SchedulerException {
        props.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        Scheduler scheduler = new StdSchedulerFactory(props).getScheduler();
        // Quartz keeps each scheduler by name for the JVM and hands the same one out again; this object holds its
        // own, and another node of the cluster made in this JVM (tests, benchmarks) must get a scheduler of its own.
        SchedulerRepository.getInstance().remove(scheduler.getSchedulerName());
        scheduler.getContext().put(HARVESTER, harvester);
        scheduler.getContext().put(SCHEDULES, this);
        return scheduler;
    }

    /** Deletes the shared jobs no node should run any longer: those of connections no longer configured. */
    private void removeOthers(Set<JobKey> jobs) throws SchedulerException {
        for (JobKey key : shared.getJobKeys(GroupMatcher.anyJobGroup())) {
            if (!jobs.contains(key) && !key.equals(WRITE_REPORT)) {
                shared.deleteJob(key);
            }
        }
    }

    /** Runs {@code writeReport} on {@code schedule}'s cron expression, read in its zone. */
    public void scheduleReport(ReportSchedule schedule, Runnable writeReport) {
        try {
            own.getContext().put(REPORT, writeReport);
            shared.getContext().put(REPORT, writeReport);
            shared.scheduleJob(JobBuilder.newJob(WriteReportJob.class).withIdentity(WRITE_REPORT).build(),
                    Set.of(TriggerBuilder.newTrigger().withIdentity(WRITE_REPORT.getName())
                            .withSchedule(CronScheduleBuilder.cronSchedule(schedule.cron())
                                    .inTimeZone(TimeZone.getTimeZone(schedule.zone()))
                                    .withMisfireHandlingInstructionDoNothing())
                            .build()), true);
        } catch (SchedulerException | RuntimeException e) {
            throw new IllegalStateException("cannot schedule the report job: " + e.getMessage(), e);
        }
    }

    /** The download job of the connection of this alias. */
    static JobKey download(String alias) {
        return JobKey.jobKey(DOWNLOAD, alias);
    }

    /** Runs this node's downloads of a connection now, rather than at their next tick. */
    void downloadNow(String alias) throws SchedulerException {
        own.triggerJob(download(alias));
    }

    /** As {@link #downloadNow}, from a stage still under way: a stopping scheduler is no failure of that stage. */
    private void downloadSoon(String alias) {
        try {
            downloadNow(alias);
        } catch (SchedulerException e) {
            log.debug("event=download-not-started connection={} reason=\"{}\"", alias, e.getMessage());
        }
    }

    /** Runs a shared job (parse, analyze) now, on whichever node takes it. */
    void runNow(JobKey job) throws SchedulerException {
        shared.triggerJob(job);
    }

    /**
     * Fires a job once after {@code delay}, unless one of its triggers fires by then anyway: a failed artifact is
     * retried when it is due, and a stage cut short by a pause runs again when the pause ends, not up to an interval
     * later.
     */
    void runAgainIn(JobKey job, Duration delay) throws SchedulerException {
        Scheduler scheduler = job.getName().equals(DOWNLOAD) ? own : shared;
        Date at = new Date(System.currentTimeMillis() + Math.max(0, delay.toMillis()));
        boolean firesByThen = scheduler.getTriggersOfJob(job).stream().map(Trigger::getNextFireTime)
                .anyMatch(next -> next != null && !next.after(at));
        if (!firesByThen) {
            scheduler.scheduleJob(TriggerBuilder.newTrigger().forJob(job).startAt(at).build());
        }
    }

    /** Whether this node is stopping, when a job should set nothing new going. */
    boolean shuttingDown() throws SchedulerException {
        return own.isShutdown() || shared.isShutdown();
    }

    public void start() {
        try {
            own.start();
            if (shared != own) {
                shared.start();
            }
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot start the Quartz scheduler: " + e.getMessage(), e);
        }
    }

    /** Stops scheduling, cuts off downloads in progress (they stay due) and waits for every running job to end. */
    @Override
    public void close() {
        try {
            own.standby();
            shared.standby();
            harvester.stopStages();
            own.shutdown(true);
            shared.shutdown(true);
        } catch (SchedulerException e) {
            throw new IllegalStateException("Quartz did not stop cleanly: " + e.getMessage(), e);
        }
    }

    /** Schedules {@code job} every {@code every} from now, replacing what a node that started earlier stored. */
    private static JobKey schedule(Scheduler scheduler, Class<? extends StageJob> job, JobKey key, Duration every)
            throws SchedulerException {
        JobDetail detail = JobBuilder.newJob(job).withIdentity(key).build();
        scheduler.scheduleJob(detail, Set.of(TriggerBuilder.newTrigger().withIdentity(key.getName(), key.getGroup())
                .startNow()
                .withSchedule(SimpleScheduleBuilder.simpleSchedule()
                        .withIntervalInMilliseconds(every.toMillis())
                        .repeatForever()
                        .withMisfireHandlingInstructionNextWithRemainingCount())
                .build()), true);
        return key;
    }
}
