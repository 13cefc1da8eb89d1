package io.tgharvester.cli;

import io.tgharvester.config.ConfigException;
import io.tgharvester.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The demo starts from an empty data dir each time, but only ever empties one it made itself (marked by a file), so
 * a real harvest in the same place is never touched.
 */
final class DemoDataDir {
    static final String MARKER = ".tg-harvester-demo";

    private DemoDataDir() {
    }

    static void prepare(Path dataDir) {
        try {
            if (Files.exists(dataDir.resolve(MARKER))) {
                for (String name : new String[] {"harvester.mv.db", "harvester.trace.db", "artifacts"}) {
                    deleteTree(dataDir.resolve(name));
                }
            } else if (Database.exists(dataDir)) {
                throw new ConfigException("data dir " + dataDir.toAbsolutePath() + " holds a harvest the demo did"
                        + " not make; the demo leaves it alone: run it with --set harvester.data-dir=./demo-data");
            }
            Files.createDirectories(dataDir);
            Files.writeString(dataDir.resolve(MARKER), "made by tg-harvester demo; the demo empties this dir\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the demo data dir " + dataDir.toAbsolutePath(), e);
        }
    }

    private static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
