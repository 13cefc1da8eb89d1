package io.tgharvester.sim;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * The four downloads of a finished analysis. Their bytes are a pure function of the sample, so every request, and every
 * simulator with the same seed, gets identical bytes without keeping them in memory.
 */
enum Artifact {
    ANALYSIS("analysis.json", "application/json"),
    PROCESSES("processes.json", "application/json"),
    PCAP("network.pcap", "application/vnd.tcpdump.pcap"),
    VIDEO("video.webm", "video/webm");

    private final String fileName;
    private final String contentType;

    Artifact(String fileName, String contentType) {
        this.fileName = fileName;
        this.contentType = contentType;
    }

    static Optional<Artifact> named(String fileName) {
        return Arrays.stream(values()).filter(a -> a.fileName.equals(fileName)).findFirst();
    }

    String fileName() {
        return fileName;
    }

    String contentType() {
        return contentType;
    }

    /** The bytes served at {@code now}: only once the sample has succeeded, and never when its analysis lacks it. */
    Optional<byte[]> servedAt(SimulatedSample sample, Instant now, ArtifactSizes sizes) {
        boolean exists = switch (this) {
            case PCAP -> sample.hasPcap();
            case VIDEO -> sample.hasVideo();
            default -> true;
        };
        return exists && sample.stateAt(now).equals("succ") ? Optional.of(render(sample, sizes.target(this, sample.id())))
                : Optional.empty();
    }

    private byte[] render(SimulatedSample sample, int padTo) {
        Noise noise = ArtifactSizes.noise(this, sample.id());
        return switch (this) {
            case ANALYSIS -> Json.padded(Json.indented(AnalysisReport.analysis(sample)), padTo, noise);
            case PROCESSES -> Json.padded(Json.indented(Json.object("processes", AnalysisReport.processes(sample))),
                    padTo, noise);
            case PCAP -> PcapWriter.capture(Traffic.of(sample), padTo, noise);
            case VIDEO -> WebmWriter.video(padTo, noise);
        };
    }
}
