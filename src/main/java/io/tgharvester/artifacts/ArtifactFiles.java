package io.tgharvester.artifacts;

import io.tgharvester.api.SampleIds;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * Writes artifacts to {@code <data-dir>/artifacts/<sample_id>/<name>}. Bytes go to a hidden {@code .part} file that
 * is fsynced and then atomically renamed (see {@link PartialArtifact} and {@link ReceivedArtifact}), so a file under
 * its final name is always complete: a crash, a full disk or a cut connection leaves at most a {@code .part} file,
 * removed at the next start. Nodes that share the artifacts directory (harvester.db.url) each name their {@code .part}
 * files after themselves ({@code .<name>.<node>.part}), so a node starting up removes only what it left itself, never
 * a download another node has under way.
 */
public final class ArtifactFiles {
    static final String PART_SUFFIX = ".part";

    private final Path dataDir;
    private final Path root;
    /** What ends the name of this process's {@code .part} files. */
    private final String partSuffix;

    /** The artifacts of a data dir that one process harvests alone. */
    public ArtifactFiles(Path dataDir) {
        this(dataDir, PART_SUFFIX);
    }

    private ArtifactFiles(Path dataDir, String partSuffix) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.root = this.dataDir.resolve("artifacts");
        this.partSuffix = partSuffix;
    }

    /** The artifacts of a data dir that several nodes share, as the node {@code node} writes them. */
    public static ArtifactFiles ofNode(Path dataDir, String node) {
        return new ArtifactFiles(dataDir, "." + node + PART_SUFFIX);
    }

    /** Starts receiving an artifact into its {@code .part} file; closing what this returns removes what is left. */
    public PartialArtifact begin(String sampleId, String name) {
        Path target = pathOf(sampleId, name);
        return new PartialArtifact(dataDir, target, target.resolveSibling("." + name + partSuffix));
    }

    /** Removes the {@code .part} files this process left when killed; their rows are still pending and get retried. */
    public int removeLeftovers() throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        int removed = 0;
        try (Stream<Path> files = Files.walk(root, 2)) {
            for (Path part : files.filter(p -> p.getFileName().toString().endsWith(partSuffix)).toList()) {
                Files.deleteIfExists(part);
                removed++;
            }
        }
        return removed;
    }

    /** Makes the renames into {@code dir} durable; a filesystem that cannot sync a directory still renamed atomically. */
    public static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some filesystems cannot fsync a directory; the rename is still atomic there.
        }
    }

    /** Only a validated sample id and a plain artifact name ever become a path, so nothing lands outside root. */
    public Path pathOf(String sampleId, String name) {
        if (!SampleIds.isValid(sampleId)) {
            throw new IllegalArgumentException("refusing to store an artifact for invalid sample id " + sampleId);
        }
        Path target = root.resolve(sampleId).resolve(name).normalize();
        if (!target.getParent().equals(root.resolve(sampleId)) || name.startsWith(".")) {
            throw new IllegalArgumentException("refusing artifact name " + name);
        }
        return target;
    }
}
