package io.tgharvester.pipeline;

/** Lists new organization samples (default every minute). */
public final class FetchSamplesJob extends StageJob {
    @Override
    Stage stage(Harvester harvester) {
        return harvester.fetcher();
    }
}
