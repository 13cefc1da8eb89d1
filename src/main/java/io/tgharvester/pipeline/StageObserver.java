package io.tgharvester.pipeline;

import java.time.Duration;

/** Told how every run of a stage ended and how long it took, for metrics. It must be quick and never throw. */
@FunctionalInterface
public interface StageObserver {
    /** Observes nothing. */
    StageObserver NONE = (result, took) -> { };

    void ran(StageResult result, Duration took);
}
