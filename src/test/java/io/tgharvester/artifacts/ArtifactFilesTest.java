package io.tgharvester.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tgharvester.TgJson;
import io.tgharvester.api.ArtifactStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactFilesTest {
    @TempDir
    Path dataDir;

    private static ArtifactStream stream(byte[] body, OptionalLong declared) {
        InputStream in = new ByteArrayInputStream(body);
        return new ArtifactStream(in, declared, in, () -> { });
    }

    private long filesUnder(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void storesUnderTheSampleDirectoryWithSizeAndSha256() throws IOException {
        StoredArtifact stored = new ArtifactFiles(dataDir).save(TgJson.id(1), "analysis.json",
                stream("abc".getBytes(), OptionalLong.of(3)));

        assertEquals("artifacts/" + TgJson.id(1) + "/analysis.json", stored.relativePath());
        assertEquals(3, stored.bytes());
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", stored.sha256());
        assertEquals("abc", Files.readString(dataDir.resolve(stored.relativePath())));
    }

    @Test
    void aDataDirGivenWithDotSegmentsWorksToo() throws IOException {
        Path dotted = dataDir.resolve(".").resolve("sub").resolve("..").resolve("data");

        StoredArtifact stored = new ArtifactFiles(dotted).save(TgJson.id(3), "video.webm",
                stream("v".getBytes(), OptionalLong.of(1)));

        assertEquals("v", Files.readString(dataDir.resolve("data").resolve(stored.relativePath())));
    }

    @Test
    void aBodyShorterThanItsDeclaredLengthLeavesNoFile() throws IOException {
        ArtifactFiles files = new ArtifactFiles(dataDir);

        IOException e = assertThrows(IOException.class, () -> files.save(TgJson.id(1), "network.pcap",
                stream(new byte[10], OptionalLong.of(1000))));

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

        IOException e = assertThrows(IOException.class, () -> new ArtifactFiles(dataDir).save(TgJson.id(4),
                "analysis.json", stream(new byte[100_000], OptionalLong.of(100_000))));

        assertTrue(e.getMessage().contains("No space left"), e.getMessage());
        assertEquals(0, filesUnder(sampleDir));
        assertFalse(Files.exists(sampleDir.resolve("analysis.json")));
    }

    @Test
    void aFailedRedownloadKeepsTheCompleteFileItReplaces() throws IOException {
        ArtifactFiles files = new ArtifactFiles(dataDir);
        files.save(TgJson.id(1), "video.webm", stream("good".getBytes(), OptionalLong.of(4)));

        assertThrows(IOException.class, () -> files.save(TgJson.id(1), "video.webm",
                stream("ba".getBytes(), OptionalLong.of(4))));

        assertEquals("good", Files.readString(dataDir.resolve("artifacts/" + TgJson.id(1) + "/video.webm")));
    }

    @Test
    void idsAndNamesThatCouldLeaveTheArtifactsDirectoryAreRefused() {
        ArtifactFiles files = new ArtifactFiles(dataDir);
        byte[] body = "x".getBytes();

        assertThrows(IllegalArgumentException.class,
                () -> files.save("../../etc/x", "analysis.json", stream(body, OptionalLong.empty())));
        assertThrows(IllegalArgumentException.class,
                () -> files.save(TgJson.id(1), "../evil", stream(body, OptionalLong.empty())));
        assertThrows(IllegalArgumentException.class,
                () -> files.save(TgJson.id(1), ".hidden", stream(body, OptionalLong.empty())));
        assertFalse(Files.exists(dataDir.resolve("artifacts").resolve("evil")));
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
