package io.tgharvester.console;

import io.tgharvester.artifacts.ArtifactFiles;
import io.tgharvester.store.SampleQueries;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A downloaded artifact, sent as a file to save with its own content type, never to be shown: it is evidence of
 * malware activity. Only a {@code done} artifact row of the sample is served, from the one path the harvester
 * itself would store it at ({@link ArtifactFiles#pathOf}, which refuses anything but a plain name), and only a
 * regular file there, not a link: no request reaches any other file.
 */
final class ArtifactAttachment {
    private static final Logger log = LoggerFactory.getLogger(ArtifactAttachment.class);
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "json", "application/json",
            "pcap", "application/vnd.tcpdump.pcap",
            "webm", "video/webm");

    private final Path dataDir;
    private final ArtifactFiles files;
    private final SampleQueries samples;

    ArtifactAttachment(Path dataDir, SampleQueries samples) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.files = new ArtifactFiles(dataDir);
        this.samples = samples;
    }

    /** The artifact {@code name} of the sample {@code sampleId} (a valid id), or empty when it cannot be served. */
    Optional<Response> respond(String sampleId, String name) {
        Optional<String> stored = samples.downloadedArtifactPath(sampleId, name);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        Path file;
        try {
            file = files.pathOf(sampleId, name);
        } catch (IllegalArgumentException notPlain) {
            log.warn("event=artifact-refused sample={} detail=\"{}\"", sampleId, notPlain.getMessage());
            return Optional.empty();
        }
        if (!dataDir.resolve(stored.get()).normalize().equals(file)
                || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            log.warn("event=artifact-refused sample={} name={} detail=\"not the regular file the harvester stores\"",
                    sampleId, name);
            return Optional.empty();
        }
        String extension = name.substring(name.lastIndexOf('.') + 1);
        return Optional.of(new Response(200, CONTENT_TYPES.getOrDefault(extension, "application/octet-stream"),
                Map.of("Content-Disposition", "attachment; filename=\"" + sampleId + "-" + name + "\"",
                        "Content-Security-Policy", Response.ATTACHMENT_POLICY),
                new byte[0], Optional.of(file)));
    }
}
