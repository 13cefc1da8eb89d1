package io.tgharvester.api;

/**
 * Told how every attempt of a call to Threat Grid ended (retries are attempts of their own), for metrics. Called on
 * the calling thread; it must be quick and never throw.
 */
@FunctionalInterface
public interface CallObserver {
    /** Observes nothing. */
    CallObserver NONE = (endpoint, outcome) -> { };

    /**
     * @param endpoint the endpoint's path with a sample id as {@code {id}}, e.g.
     *                 {@code /api/v2/samples/{id}/analysis.json}: one series per endpoint, not per sample
     */
    void attempted(String endpoint, CallOutcome outcome);
}
