package io.tgharvester.artifacts;

/** An artifact complete on disk under its final name: path relative to the data dir, size and sha256. */
public record StoredArtifact(String relativePath, long bytes, String sha256) {
}
