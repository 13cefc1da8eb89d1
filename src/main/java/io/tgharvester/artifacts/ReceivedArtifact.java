package io.tgharvester.artifacts;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * An artifact received whole into its {@code .part} file, its length checked and its sha256 taken, but neither
 * durable nor under its final name yet. A group commit makes it both: {@link #sync()} its bytes, {@link #publish()}
 * it, then sync its {@link #directory()} once for every artifact of the group that landed there. Until it is
 * published, a crash leaves only the {@code .part} file, which the next start removes.
 */
public final class ReceivedArtifact {
    private final Path dataDir;
    private final Path part;
    private final Path target;
    private final long bytes;
    private final String sha256;

    ReceivedArtifact(Path dataDir, Path part, Path target, long bytes, String sha256) {
        this.dataDir = dataDir;
        this.part = part;
        this.target = target;
        this.bytes = bytes;
        this.sha256 = sha256;
    }

    /** Forces the received bytes to disk. */
    public void sync() throws IOException {
        try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /** Renames the synced file to its final name, atomically; the rename is durable once its directory is synced. */
    public StoredArtifact publish() throws IOException {
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return new StoredArtifact(dataDir.relativize(target).toString(), bytes, sha256);
    }

    /** Where the artifact lands: the directory to sync after publishing. */
    public Path directory() {
        return target.getParent();
    }

    /** Removes the received bytes of an artifact that will not be published. */
    public void discard() throws IOException {
        Files.deleteIfExists(part);
    }
}
