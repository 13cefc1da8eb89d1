package io.tgharvester.pipeline;

import io.tgharvester.api.ArtifactStream;
import io.tgharvester.api.ContentRange;
import io.tgharvester.api.RetryWaits;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.artifacts.ArtifactFiles;
import io.tgharvester.artifacts.PartialArtifact;
import io.tgharvester.artifacts.ReceivedArtifact;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt at one artifact. When the transfer is cut after some bytes were written, it asks for the rest
 * ({@code Range: bytes=<held>-}), up to {@link #MAX_RESUMES} times: a 206 whose Content-Range starts at the bytes held
 * (and names the same total length, where both answers tell one) is appended; a whole answer (200) starts the file
 * over; any other range is dropped and the artifact asked for again from its start. A stop resumes nothing.
 */
final class ArtifactDownload {
    static final int MAX_RESUMES = 3;
    private static final Logger log = LoggerFactory.getLogger(ArtifactDownload.class);

    private final ThreatGridClient client;
    private final ArtifactFiles files;
    private final Transfers transfers;

    ArtifactDownload(ThreatGridClient client, ArtifactFiles files, Transfers transfers) {
        this.client = client;
        this.files = files;
        this.transfers = transfers;
    }

    /**
     * The artifact received whole, to be committed, or empty when the analysis has none (404). Throws the
     * IOException of the last cut when every resume was cut too; the {@code .part} file is gone then.
     */
    Optional<ReceivedArtifact> fetch(String sampleId, String name, RetryWaits waits) throws IOException {
        try (PartialArtifact part = files.begin(sampleId, name)) {
            OptionalLong total = OptionalLong.empty();
            IOException cut = null;
            for (int request = 0; request <= MAX_RESUMES; request++) {
                if (transfers.stopping()) {
                    throw new IOException("stopping");
                }
                long from = part.held();
                Optional<ArtifactStream> opened = client.openArtifact(sampleId, name, from, waits);
                if (opened.isEmpty()) {
                    return Optional.empty();
                }
                try (ArtifactStream stream = opened.get()) {
                    transfers.begun(stream);
                    Optional<ContentRange> range = stream.partial();
                    if (range.isPresent() && !range.get().continues(from, total)) {
                        cut = new IOException("asked for bytes " + from + "- and got " + range.get());
                        log.debug("event=download-restarted sample={} name={} reason=\"{}\"", sampleId, name,
                                cut.getMessage());
                        part.restart();
                        total = OptionalLong.empty();
                        continue;
                    }
                    if (range.isEmpty()) {
                        part.restart();
                        total = stream.declaredLength();
                    } else if (total.isEmpty()) {
                        total = range.get().total();
                    }
                    part.append(stream.body());
                } catch (IOException e) {
                    if (transfers.stopping() || part.held() == 0) {
                        throw e;
                    }
                    cut = e;
                    log.debug("event=download-cut sample={} name={} held={} error=\"{}\"", sampleId, name,
                            part.held(), e.getMessage());
                    continue;
                } finally {
                    transfers.ended(opened.get());
                }
                return Optional.of(part.received(total));
            }
            throw new IOException("gave up after " + MAX_RESUMES + " resumes: " + cut.getMessage(), cut);
        }
    }
}
