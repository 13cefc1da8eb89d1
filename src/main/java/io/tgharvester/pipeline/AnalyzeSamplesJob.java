package io.tgharvester.pipeline;

/** Hands newly completed samples to the analyzers, and retries their failed calls that are due. */
public final class AnalyzeSamplesJob extends StageJob {
    @Override
    Stage stage(Harvester harvester) {
        return harvester.analysis();
    }
}
