package io.tgharvester.pipeline;

/** Parses downloaded analyses, of every connection, into the correlation tables. */
public final class ParseAnalysesJob extends StageJob {
    @Override
    Stage stage(Harvester harvester, String connection) {
        return harvester.indexer();
    }

    @Override
    StageRunner runner(Harvester harvester, String connection) {
        return harvester.parseRunner();
    }
}
