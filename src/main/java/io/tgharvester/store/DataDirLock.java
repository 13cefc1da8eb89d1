package io.tgharvester.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One harvesting process per data dir. The OS releases the lock when the process dies, even by kill -9, so a stale
 * lock file never blocks a restart.
 */
public final class DataDirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static DataDirLock acquire(Path dataDir) {
        return acquire(dataDir, "harvester.lock", "another tg-harvester is already harvesting into");
    }

    /**
     * A lock of its own, {@code fileName} in the data dir, for work of which one at a time may run beside a harvester
     * (a backfill); {@code refusal} begins the error when another process holds it.
     */
    public static DataDirLock acquire(Path dataDir, String fileName, String refusal) {
        Database.createPrivateDirectory(dataDir);
        Path file = dataDir.resolve(fileName);
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                String holder = Files.readString(file, StandardCharsets.UTF_8).trim();
                channel.close();
                throw new StoreException(refusal + " " + dataDir.toAbsolutePath()
                        + (holder.isEmpty() ? "" : " (pid " + holder + ")") + "; stop it first or use another data dir");
            }
            channel.truncate(0);
            channel.write(java.nio.ByteBuffer.wrap(
                    String.valueOf(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
            channel.force(false);
            return new DataDirLock(channel, lock);
        } catch (IOException e) {
            throw new StoreException("cannot lock data dir " + dataDir.toAbsolutePath(), e);
        }
    }

    /** Null when another process holds the lock, or another harvester in this same JVM does. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException sameProcess) {
            return null;
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // The OS drops the lock with the process anyway.
        }
    }
}
