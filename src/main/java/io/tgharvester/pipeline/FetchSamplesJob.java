package io.tgharvester.pipeline;

/** Lists a connection's new samples (default every minute). */
public final class FetchSamplesJob extends StageJob {
    @Override
    Stage stage(Harvester harvester, String connection) {
        return harvester.connection(connection).fetch();
    }
}
