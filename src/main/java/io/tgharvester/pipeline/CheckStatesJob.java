package io.tgharvester.pipeline;

/** Checks the state of a connection's unfinished samples in bulk (default every five minutes). */
public final class CheckStatesJob extends StageJob {
    @Override
    Stage stage(Harvester harvester, String connection) {
        return harvester.connection(connection).state();
    }
}
