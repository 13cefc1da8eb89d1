package io.tgharvester.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.JobListener;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.TriggerBuilder;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;

/**
 * db/quartz (Quartz's official PostgreSQL DDL, in the schema quartz) carries Quartz's clustered JDBC
 * JobStore: schedulers of one name on several nodes share its jobs, and each firing runs on exactly one of them.
 */
class ClusteredQuartzTest {
    private static final String CLUSTER = "tg-harvester";
    private static final int FIRINGS = 6;

    /** Does nothing; the listener counts its runs on each node. */
    public static final class Beat implements Job {
        @Override
        public void execute(JobExecutionContext context) {
        }
    }

    @Test
    void twoClusteredSchedulersCheckInAndEachFiringOfASharedJobRunsOnExactlyOneOfThem() throws Exception {
        try (LoopbackPostgres postgres = LoopbackPostgres.start()) {
            Flyway.configure().dataSource(postgres.jdbcUrl(), postgres.user(), "").schemas("quartz")
                    .locations("classpath:db/quartz").load().migrate();
            CountDownLatch fired = new CountDownLatch(FIRINGS);
            List<AtomicInteger> runs = List.of(new AtomicInteger(), new AtomicInteger());
            List<Scheduler> nodes = new ArrayList<>();
            try {
                for (int node = 0; node < 2; node++) {
                    nodes.add(node(postgres, "node-" + node, runs.get(node), fired));
                }
                nodes.get(0).scheduleJob(JobBuilder.newJob(Beat.class).withIdentity("beat").build(),
                        TriggerBuilder.newTrigger().withIdentity("beat").startNow()
                                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(200)
                                        .withRepeatCount(FIRINGS - 1))
                                .build());
                for (Scheduler node : nodes) {
                    node.start();
                }

                fired.await(20, TimeUnit.SECONDS);
                assertEquals(List.of("node-0", "node-1"), checkedIn(postgres));
                for (Scheduler node : nodes) {
                    node.shutdown(true);
                }
                assertEquals(FIRINGS, runs.get(0).get() + runs.get(1).get(), "runs on node-0 and node-1: " + runs);
            } finally {
                for (Scheduler node : nodes) {
                    node.shutdown(false);
                }
            }
        }
    }

    /** One node's scheduler, as a harvester node would configure it, counting the job runs it executes. */
    private static Scheduler node(LoopbackPostgres postgres, String instanceId, AtomicInteger runs,
                                  CountDownLatch fired) throws SchedulerException {
        Properties props = new Properties();
        props.setProperty("org.quartz.scheduler.instanceName", CLUSTER);
        // a harvester node would take AUTO (host name and start time); fixed here so the test can name them
        props.setProperty("org.quartz.scheduler.instanceId", instanceId);
        props.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        props.setProperty("org.quartz.threadPool.threadCount", "2");
        props.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        props.setProperty("org.quartz.jobStore.driverDelegateClass",
                "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        props.setProperty("org.quartz.jobStore.tablePrefix", "quartz.qrtz_");
        props.setProperty("org.quartz.jobStore.isClustered", "true");
        props.setProperty("org.quartz.jobStore.clusterCheckinInterval", "1000");
        // without it two nodes can both fire one trigger (quartz-scheduler/quartz#107: an ABA race in acquisition)
        props.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        // data sources too are one per name in a JVM (DBConnectionManager): each node its own pool
        String dataSource = "org.quartz.dataSource." + instanceId;
        props.setProperty("org.quartz.jobStore.dataSource", instanceId);
        props.setProperty(dataSource + ".provider", "hikaricp");
        props.setProperty(dataSource + ".driver", "org.postgresql.Driver");
        props.setProperty(dataSource + ".URL", postgres.jdbcUrl());
        props.setProperty(dataSource + ".user", postgres.user());
        props.setProperty(dataSource + ".password", "");
        props.setProperty(dataSource + ".maxConnections", "4");
        Scheduler scheduler = new StdSchedulerFactory(props).getScheduler();
        // Quartz keeps one scheduler per name in a JVM; the next node of this cluster must get its own
        SchedulerRepository.getInstance().remove(CLUSTER);
        scheduler.getListenerManager().addJobListener(new JobListener() {
            @Override
            public String getName() {
                return "runs";
            }

            @Override
            public void jobToBeExecuted(JobExecutionContext context) {
            }

            @Override
            public void jobExecutionVetoed(JobExecutionContext context) {
            }

            @Override
            public void jobWasExecuted(JobExecutionContext context, JobExecutionException failure) {
                runs.incrementAndGet();
                fired.countDown();
            }
        });
        return scheduler;
    }

    private static List<String> checkedIn(LoopbackPostgres postgres) throws Exception {
        List<String> instances = new ArrayList<>();
        try (Connection conn = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "");
             Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT instance_name FROM quartz.qrtz_scheduler_state"
                     + " WHERE sched_name = '" + CLUSTER + "' ORDER BY instance_name")) {
            while (rs.next()) {
                instances.add(rs.getString(1));
            }
        }
        return instances;
    }
}
