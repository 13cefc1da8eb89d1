package io.tgharvester.sim;

import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** What the simulated organization really submitted, as of one moment: the answer a harvest is checked against. */
public final class GroundTruth {
    private final List<SimulatedSample> samples;
    private final ArtifactFactory artifacts;

    GroundTruth(List<SimulatedSample> samples, ArtifactFactory artifacts) {
        this.samples = List.copyOf(samples);
        this.artifacts = artifacts;
    }

    /** Every sample submitted so far, oldest first. */
    public List<SimulatedSample> samples() {
        return samples;
    }

    /** The sha256 of the bytes served for this artifact once the sample succeeds; empty if it is never served. */
    public Optional<String> artifactSha256(String sampleId, String name) {
        return samples.stream().filter(s -> s.id().equals(sampleId)).findFirst()
                .flatMap(s -> artifacts.bytes(s, name))
                .map(bytes -> SampleFactory.hash("SHA-256", bytes));
    }
}
