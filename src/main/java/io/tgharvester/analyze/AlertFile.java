package io.tgharvester.analyze;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * {@code <data-dir>/alerts.jsonl}: one JSON object per line, each starting with its {@code sample_id}. A line is
 * appended in one write and synced, so readers never see half of one; a sample already there (an earlier attempt
 * wrote it before the harvester stopped or the webhook failed) is not appended again.
 */
final class AlertFile {
    private static final Set<StandardOpenOption> APPEND =
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);

    private final Path file;

    AlertFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    /**
     * Appends {@code line} (one line of JSON starting with {@code sampleId}'s member) unless {@code mayBeThere} and a
     * whole line of that sample is already in the file. Returns the line the file now holds for the sample.
     */
    String appendOnce(String sampleId, String line, boolean mayBeThere) throws IOException {
        if (mayBeThere) {
            Optional<String> earlier = lineOf(sampleId);
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        // A line cut short by a crash is left as it was, on its own line, rather than glued to this one.
        String text = endsMidLine() ? "\n" + line + "\n" : line + "\n";
        try (FileChannel channel = FileChannel.open(file, APPEND, ownerOnly())) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        return line;
    }

    /** The whole line of {@code sampleId}, if the file has one. */
    private Optional<String> lineOf(String sampleId) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String start = AlertLine.start(sampleId);
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith(start) && line.endsWith("}")) {
                    return Optional.of(line);
                }
            }
        }
        return Optional.empty();
    }

    private boolean endsMidLine() throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            return channel.size() > 0 && channel.read(last, channel.size() - 1) == 1 && last.get(0) != '\n';
        }
    }

    /** Created readable by the data dir's owner alone, like the database beside it. */
    private FileAttribute<?>[] ownerOnly() {
        if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
    }
}
