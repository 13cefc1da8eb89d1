package io.tgharvester.artifacts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tgharvester.TgJson;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactFilesTest {
    @TempDir
    Path dataDir;

    private static StoredArtifact save(ArtifactFiles files, String sampleId, String name, byte[] body,
                                       OptionalLong declared) throws IOException {
        try (PartialArtifact part = files.begin(sampleId, name)) {
            part.append(new ByteArrayInputStream(body));
            return committed(part.received(declared));
        }
    }

    /** What a group commit does with one artifact. */
    private static StoredArtifact committed(ReceivedArtifact received) throws IOException {
        received.sync();
        StoredArtifact stored = received.publish();
        ArtifactFiles.syncDirectory(received.directory());
        return stored;
    }

    /** A body whose connection breaks after {@code upTo} bytes. */
    private static InputStream cutAfter(byte[] body, int upTo) {
        return new SequenceInputStream(new ByteArrayInputStream(body, 0, upTo), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        });
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private long filesUnder(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void storesUnderTheSampleDirectoryWithSizeAndSha256() throws IOException {
        StoredArtifact stored = save(new ArtifactFiles(dataDir), TgJson.id(1), "analysis.json",
                "abc".getBytes(), OptionalLong.of(3));

        assertEquals("artifacts/" + TgJson.id(1) + "/analysis.json", stored.relativePath());
        assertEquals(3, stored.bytes());
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", stored.sha256());
        assertEquals("abc", Files.readString(dataDir.resolve(stored.relativePath())));
    }

    @Test
    void aDataDirGivenWithDotSegmentsWorksToo() throws IOException {
        Path dotted = dataDir.resolve(".").resolve("sub").resolve("..").resolve("data");

        StoredArtifact stored = save(new ArtifactFiles(dotted), TgJson.id(3), "video.webm", "v".getBytes(),
                OptionalLong.of(1));

        assertEquals("v", Files.readString(dataDir.resolve("data").resolve(stored.relativePath())));
    }

    @Test
    void aBodyShorterThanItsDeclaredLengthLeavesNoFile() throws IOException {
        ArtifactFiles files = new ArtifactFiles(dataDir);

        IOException e = assertThrows(IOException.class, () -> save(files, TgJson.id(1), "network.pcap",
                new byte[10], OptionalLong.of(1000)));

        assertTrue(e.getMessage().contains("received 10 of 1000"), e.getMessage());
        assertEquals(0, filesUnder(dataDir.resolve("artifacts")));
    }

    @Test
    void aFullDiskFailsTheDownloadAndLeavesNoFile() throws IOException {
        Path devFull = Path.of("/dev/full");
        assumeTrue(Files.exists(devFull), "needs Linux's /dev/full, which answers every write with ENOSPC");
        Path sampleDir = Files.createDirectories(dataDir.resolve("artifacts").resolve(TgJson.id(4)));
        // The next .part file is this link, so every byte written lands on a device that is always full.
        Files.createSymbolicLink(sampleDir.resolve(".analysis.json.part"), devFull);

        IOException e = assertThrows(IOException.class, () -> save(new ArtifactFiles(dataDir), TgJson.id(4),
                "analysis.json", new byte[100_000], OptionalLong.of(100_000)));

        assertTrue(e.getMessage().contains("No space left"), e.getMessage());
        assertEquals(0, filesUnder(sampleDir));
        assertFalse(Files.exists(sampleDir.resolve("analysis.json")));
    }

    @Test
    void aFailedRedownloadKeepsTheCompleteFileItReplaces() throws IOException {
        ArtifactFiles files = new ArtifactFiles(dataDir);
        save(files, TgJson.id(1), "video.webm", "good".getBytes(), OptionalLong.of(4));

        assertThrows(IOException.class, () -> save(files, TgJson.id(1), "video.webm",
                "ba".getBytes(), OptionalLong.of(4)));

        assertEquals("good", Files.readString(dataDir.resolve("artifacts/" + TgJson.id(1) + "/video.webm")));
    }

    @Test
    void idsAndNamesThatCouldLeaveTheArtifactsDirectoryAreRefused() {
        ArtifactFiles files = new ArtifactFiles(dataDir);
        byte[] body = "x".getBytes();

        assertThrows(IllegalArgumentException.class,
                () -> save(files, "../../etc/x", "analysis.json", body, OptionalLong.empty()));
        assertThrows(IllegalArgumentException.class,
                () -> save(files, TgJson.id(1), "../evil", body, OptionalLong.empty()));
        assertThrows(IllegalArgumentException.class,
                () -> save(files, TgJson.id(1), ".hidden", body, OptionalLong.empty()));
        assertFalse(Files.exists(dataDir.resolve("artifacts").resolve("evil")));
    }

    @Test
    void anArtifactReceivedInTwoPiecesIsStoredWholeWithTheWholeFilesSha256() throws Exception {
        byte[] body = "0123456789".repeat(100_000).getBytes();
        ArtifactFiles files = new ArtifactFiles(dataDir);
        Path part = dataDir.resolve("artifacts/" + TgJson.id(5) + "/.network.pcap.part");

        StoredArtifact stored;
        try (PartialArtifact partial = files.begin(TgJson.id(5), "network.pcap")) {
            assertThrows(IOException.class, () -> partial.append(cutAfter(body, 600_000)));
            assertEquals(600_000, partial.held(), "every byte that arrived before the cut is kept");
            assertEquals(600_000, Files.size(part));
            partial.append(new ByteArrayInputStream(body, 600_000, body.length - 600_000));
            stored = committed(partial.received(OptionalLong.of(body.length)));
        }

        assertEquals(body.length, stored.bytes());
        assertEquals(sha256(body), stored.sha256());
        assertArrayEquals(body, Files.readAllBytes(dataDir.resolve(stored.relativePath())));
        assertFalse(Files.exists(part));
    }

    @Test
    void aRestartDropsTheBytesHeldAndTheirHash() throws Exception {
        byte[] body = "whole artifact".getBytes();
        StoredArtifact stored;
        try (PartialArtifact partial = new ArtifactFiles(dataDir).begin(TgJson.id(6), "video.webm")) {
            partial.append(new ByteArrayInputStream("stale bytes of another answer".getBytes()));
            partial.restart();
            partial.append(new ByteArrayInputStream(body));
            stored = committed(partial.received(OptionalLong.of(body.length)));
        }

        assertEquals(sha256(body), stored.sha256());
        assertArrayEquals(body, Files.readAllBytes(dataDir.resolve(stored.relativePath())));
    }

    @Test
    void aReceivedArtifactStaysOutOfSightUntilPublishedAndDiscardingRemovesIt() throws Exception {
        ArtifactFiles files = new ArtifactFiles(dataDir);
        Path target = dataDir.resolve("artifacts/" + TgJson.id(8) + "/processes.json");
        Path part = target.resolveSibling(".processes.json.part");
        ReceivedArtifact kept;
        ReceivedArtifact dropped;
        try (PartialArtifact partial = files.begin(TgJson.id(8), "processes.json")) {
            partial.append(new ByteArrayInputStream("{}".getBytes()));
            kept = partial.received(OptionalLong.of(2));
        }
        assertTrue(Files.exists(part), "handed over to the commit, not removed with the PartialArtifact");
        assertFalse(Files.exists(target), "not under its final name before it is published");
        kept.sync();
        assertEquals("artifacts/" + TgJson.id(8) + "/processes.json", kept.publish().relativePath());
        assertArrayEquals("{}".getBytes(), Files.readAllBytes(target));

        try (PartialArtifact partial = files.begin(TgJson.id(8), "video.webm")) {
            partial.append(new ByteArrayInputStream("v".getBytes()));
            dropped = partial.received(OptionalLong.empty());
        }
        dropped.discard();
        assertEquals(List.of("processes.json"), Files.list(target.getParent())
                .map(f -> f.getFileName().toString()).toList());
    }

    @Test
    void anArtifactNeverCompletedLeavesNoPartFile() throws Exception {
        try (PartialArtifact partial = new ArtifactFiles(dataDir).begin(TgJson.id(7), "analysis.json")) {
            assertThrows(IOException.class, () -> partial.append(cutAfter(new byte[1000], 500)));
        }

        assertEquals(0, filesUnder(dataDir.resolve("artifacts")));
    }

    @Test
    void partFilesLeftByAKilledProcessAreRemovedAtStart() throws IOException {
        Path sampleDir = Files.createDirectories(dataDir.resolve("artifacts").resolve(TgJson.id(2)));
        Files.writeString(sampleDir.resolve(".network.pcap.part"), "half");
        Files.writeString(sampleDir.resolve("analysis.json"), "{}");

        assertEquals(1, new ArtifactFiles(dataDir).removeLeftovers());

        assertEquals(1, filesUnder(sampleDir));
        assertTrue(Files.exists(sampleDir.resolve("analysis.json")));
    }
}
