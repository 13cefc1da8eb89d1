package io.tgharvester.store;

/** A downloaded artifact, durable under its final name: what its row records. */
public record DoneArtifact(ArtifactTask task, long bytes, String sha256, String relativePath) {
}
