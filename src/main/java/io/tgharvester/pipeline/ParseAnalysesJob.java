package io.tgharvester.pipeline;

/** Parses downloaded analyses into the correlation tables. */
public final class ParseAnalysesJob extends StageJob {
    @Override
    Stage stage(Harvester harvester) {
        return harvester.indexer();
    }
}
