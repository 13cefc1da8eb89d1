package io.tgharvester.bench;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The machine a benchmark ran on, in one line: cores, RAM, JDK, OS, and the disk under the working directory. */
final class Machine {
    private Machine() {
    }

    static String describe() {
        return String.format("%d cores, %s RAM, JDK %s (%s), %s %s %s, disk %s",
                Runtime.getRuntime().availableProcessors(), memTotal().orElse("unknown"),
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"),
                disk());
    }

    private static Optional<String> memTotal() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                    .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / (1024 * 1024) + " GiB").findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String disk() {
        try {
            FileStore store = Files.getFileStore(Path.of("."));
            return store.type() + " (" + store.name() + ", " + store.getTotalSpace() / (1L << 30) + " GiB)";
        } catch (IOException e) {
            return "unknown";
        }
    }
}
