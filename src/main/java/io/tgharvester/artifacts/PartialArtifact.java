package io.tgharvester.artifacts;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.OptionalLong;

/**
 * An artifact being received into its {@code .part} file, from one answer or, when a transfer is cut, from several
 * that each carry on where the bytes held end. The sha256 is taken of exactly the bytes written, across all of them,
 * so the stored hash is always the whole file's. {@link #received} hands the whole file over to be committed (see
 * {@link ReceivedArtifact}); {@link #close()} removes whatever was not handed over.
 */
public final class PartialArtifact implements Closeable {
    private static final int BUFFER = 256 * 1024;

    private final Path dataDir;
    private final Path target;
    private final Path part;
    /** Opened with the first bytes, so that an artifact the server turns out not to have leaves nothing behind. */
    private FileChannel out;
    private final MessageDigest sha256;
    private final byte[] buffer = new byte[BUFFER];
    private long held;
    private boolean handedOver;

    PartialArtifact(Path dataDir, Path target, Path part) {
        this.dataDir = dataDir;
        this.target = target;
        this.part = part;
        this.sha256 = sha256();
    }

    /** The bytes written and hashed so far: where a resumed transfer must carry on. */
    public long held() {
        return held;
    }

    /** Drops every byte held, for an answer that starts the artifact from its beginning. */
    public void restart() throws IOException {
        out().truncate(0);
        out.position(0);
        sha256.reset();
        held = 0;
    }

    /**
     * Writes {@code in} to its end after the bytes held. When reading fails (a cut transfer), the bytes that arrived
     * before are written and held too, so that a resumed transfer asks only for what is missing.
     */
    public void append(InputStream in) throws IOException {
        // A write that failed half way left bytes that were never hashed: they are written again.
        if (out().size() > held) {
            out.truncate(held);
        }
        out.position(held);
        // The buffer is filled across the HTTP client's small reads: fewer, larger writes to disk.
        int filled = 0;
        while (true) {
            int n;
            try {
                n = in.read(buffer, filled, buffer.length - filled);
            } catch (IOException cut) {
                try {
                    write(filled);
                } catch (IOException notKept) {
                    cut.addSuppressed(notKept);
                }
                throw cut;
            }
            if (n < 0) {
                write(filled);
                return;
            }
            filled += n;
            if (filled == buffer.length) {
                write(filled);
                filled = 0;
            }
        }
    }

    private void write(int length) throws IOException {
        ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, length);
        while (chunk.hasRemaining()) {
            out.write(chunk);
        }
        sha256.update(buffer, 0, length);
        held += length;
    }

    /**
     * Checks the length against {@code expectedLength} (the server's, when it told one) and hands the file over as
     * received: what becomes of it from now on is the {@link ReceivedArtifact}'s to say.
     */
    public ReceivedArtifact received(OptionalLong expectedLength) throws IOException {
        if (expectedLength.isPresent() && expectedLength.getAsLong() != held) {
            throw new IOException("truncated: received " + held + " of " + expectedLength.getAsLong() + " bytes");
        }
        out().close();
        handedOver = true;
        return new ReceivedArtifact(dataDir, part, target, held, HexFormat.of().formatHex(sha256.digest()));
    }

    @Override
    public void close() throws IOException {
        try {
            if (out != null) {
                out.close();
            }
        } finally {
            if (!handedOver) {
                Files.deleteIfExists(part);
            }
        }
    }

    private FileChannel out() throws IOException {
        if (out == null) {
            // Looked at first: createDirectories throws (and catches) an exception when the sample's directory is there
            if (!Files.isDirectory(part.getParent())) {
                Files.createDirectories(part.getParent());
            }
            out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        }
        return out;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
