package io.tgharvester.artifacts;

import io.tgharvester.api.ArtifactStream;
import io.tgharvester.api.SampleIds;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * Writes artifacts to {@code <data-dir>/artifacts/<sample_id>/<name>}. Bytes go to a hidden {@code .part} file that
 * is fsynced and then atomically renamed, so a file under its final name is always complete: a crash, a full disk
 * or a cut connection leaves at most a {@code .part} file, removed at the next start.
 */
public final class ArtifactFiles {
    static final String PART_SUFFIX = ".part";
    private static final int BUFFER = 256 * 1024;

    private final Path dataDir;
    private final Path root;

    public ArtifactFiles(Path dataDir) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.root = this.dataDir.resolve("artifacts");
    }

    /** Streams an artifact to disk, checking its declared length; returns what was stored. */
    public StoredArtifact save(String sampleId, String name, ArtifactStream stream) throws IOException {
        Path target = pathOf(sampleId, name);
        Files.createDirectories(target.getParent());
        Path part = target.resolveSibling("." + name + PART_SUFFIX);
        try {
            MessageDigest sha256 = sha256();
            long bytes = copy(stream.body(), part, sha256);
            if (stream.declaredLength().isPresent() && stream.declaredLength().getAsLong() != bytes) {
                throw new IOException("truncated: received " + bytes + " of "
                        + stream.declaredLength().getAsLong() + " bytes");
            }
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(target.getParent());
            return new StoredArtifact(dataDir.relativize(target).toString(), bytes,
                    HexFormat.of().formatHex(sha256.digest()));
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** Removes {@code .part} files a killed process left behind; their rows are still pending and get retried. */
    public int removeLeftovers() throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        int removed = 0;
        try (Stream<Path> files = Files.walk(root, 2)) {
            for (Path part : files.filter(p -> p.getFileName().toString().endsWith(PART_SUFFIX)).toList()) {
                Files.deleteIfExists(part);
                removed++;
            }
        }
        return removed;
    }

    /** Only a validated sample id and a plain artifact name ever become a path, so nothing lands outside root. */
    Path pathOf(String sampleId, String name) {
        if (!SampleIds.isValid(sampleId)) {
            throw new IllegalArgumentException("refusing to store an artifact for invalid sample id " + sampleId);
        }
        Path target = root.resolve(sampleId).resolve(name).normalize();
        if (!target.getParent().equals(root.resolve(sampleId)) || name.startsWith(".")) {
            throw new IllegalArgumentException("refusing artifact name " + name);
        }
        return target;
    }

    private static long copy(InputStream in, Path part, MessageDigest digest) throws IOException {
        long total = 0;
        byte[] buffer = new byte[BUFFER];
        try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            int n;
            // readNBytes fills the buffer across the HTTP client's small reads: fewer, larger writes to disk.
            while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                digest.update(buffer, 0, n);
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
                total += n;
            }
            out.force(true);
        }
        return total;
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some filesystems cannot fsync a directory; the rename is still atomic there.
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
