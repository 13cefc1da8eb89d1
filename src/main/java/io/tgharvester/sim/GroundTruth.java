package io.tgharvester.sim;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the simulated organization really submitted and what the simulator serves, as of one moment: the answer a
 * harvest is checked against.
 */
public final class GroundTruth {
    private final Instant at;
    private final List<SimulatedSample> samples;
    private final ArtifactSizes artifactSizes;

    GroundTruth(Instant at, List<SimulatedSample> samples, ArtifactSizes artifactSizes) {
        this.at = at;
        this.samples = List.copyOf(samples);
        this.artifactSizes = artifactSizes;
    }

    /** The moment this snapshot describes. */
    public Instant at() {
        return at;
    }

    /** Every sample submitted at or before {@link #at()}, oldest first. */
    public List<SimulatedSample> samples() {
        return samples;
    }

    public Optional<SimulatedSample> sample(String id) {
        return samples.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /**
     * The sha256 (lowercase hex) of the bytes served for this artifact at {@link #at()}; empty when the simulator
     * answers 404 then: the sample has not succeeded (yet), or its analysis has no such artifact.
     */
    public Optional<String> artifactSha256(String sampleId, String name) {
        return Artifact.named(name)
                .flatMap(artifact -> sample(sampleId).flatMap(s -> artifact.servedAt(s, at, artifactSizes)))
                .map(bytes -> Hashes.hex("SHA-256", bytes));
    }
}
