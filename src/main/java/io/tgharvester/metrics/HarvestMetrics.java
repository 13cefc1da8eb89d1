package io.tgharvester.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tgharvester.store.Database;
import io.tgharvester.store.JobRunStore;
import io.tgharvester.store.Queries;

/**
 * The console's metrics in the Prometheus text format, through Micrometer's Prometheus registry: the harvest
 * database's gauges always, and the harvesting pipeline's own meters when it runs in this process.
 */
public final class HarvestMetrics {
    /** The Prometheus text exposition format, version 0.0.4, which {@link #scrape()} writes. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final HarvestGauges gauges;

    private HarvestMetrics(PrometheusMeterRegistry registry, Database db) {
        this.registry = registry;
        this.gauges = new HarvestGauges(registry, new Queries(db), new JobRunStore(db));
    }

    /** The gauges of the harvest in {@code db}, which may be a read-only connection beside the daemon. */
    public static HarvestMetrics of(Database db) {
        return new HarvestMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), db);
    }

    /** The gauges of the harvest in {@code db} and the meters of the pipeline harvesting it in this process. */
    public static HarvestMetrics of(Database db, PipelineMetrics pipeline) {
        return new HarvestMetrics(pipeline.registry(), db);
    }

    /** Every metric as of now; one scrape at a time, as each first reads the database. */
    public synchronized String scrape() {
        gauges.refresh();
        return registry.scrape();
    }
}
