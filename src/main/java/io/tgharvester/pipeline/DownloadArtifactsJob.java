package io.tgharvester.pipeline;

/** Downloads the artifacts of samples that reached {@code succ}. */
public final class DownloadArtifactsJob extends StageJob {
    @Override
    Stage stage(Harvester harvester) {
        return harvester.collector();
    }

    @Override
    boolean parsesAfter() {
        return true;
    }
}
