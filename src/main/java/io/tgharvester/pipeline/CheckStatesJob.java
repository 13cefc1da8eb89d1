package io.tgharvester.pipeline;

/** Checks the state of unfinished samples in bulk (default every five minutes). */
public final class CheckStatesJob extends StageJob {
    @Override
    Stage stage(Harvester harvester) {
        return harvester.stateChecker();
    }
}
