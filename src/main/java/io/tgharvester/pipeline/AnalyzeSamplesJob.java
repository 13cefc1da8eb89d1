package io.tgharvester.pipeline;

/**
 * Hands newly completed samples, of every connection, to the analyzers, and retries their failed calls that are due.
 */
public final class AnalyzeSamplesJob extends LocalStageJob {
    @Override
    Stage stage(Harvester harvester, String connection) {
        return harvester.analysis();
    }
}
