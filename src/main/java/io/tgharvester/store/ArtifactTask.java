package io.tgharvester.store;

/** One artifact waiting to be downloaded, and how often that has been tried. */
public record ArtifactTask(String sampleId, String name, int attempts) {
}
