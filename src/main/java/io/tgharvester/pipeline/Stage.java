package io.tgharvester.pipeline;

/** One step of the pipeline. It reads its work from the database and leaves its results there. */
public interface Stage {
    /** Short name used in logs and the job_runs table: fetch, state, download, parse, analyze. */
    String name();

    /**
     * Does one round of work. Returns how many samples newly reached {@code succ}, so the scheduler can start
     * their downloads at once instead of at the next download tick.
     *
     * @throws io.tgharvester.api.ApiException when Threat Grid cannot be used right now
     */
    int run();

    /** Asks a running {@link #run()} to end soon, leaving its work for the next start. Called on shutdown. */
    default void stop() {
    }
}
