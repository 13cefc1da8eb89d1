package io.tgharvester;

import io.tgharvester.cli.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Starts tg-harvester in a JVM of its own, as an operator would, so tests can SIGTERM or SIGKILL it for real. */
public final class ChildHarvester {
    private ChildHarvester() {
    }

    /** Starts {@code tg-harvester args...} with the key, base URL and data dir in its environment, output to log. */
    public static Process start(Path dataDir, Path log, String baseUrl, String apiKey, String... args)
            throws IOException {
        return start(dataDir, log, baseUrl, apiKey, Map.of(), args);
    }

    /** As {@link #start(Path, Path, String, String, String...)}, with {@code environment} set as well. */
    public static Process start(Path dataDir, Path log, String baseUrl, String apiKey, Map<String, String> environment,
                                String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dh2.bindAddress=127.0.0.1", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("TG_API_KEY", apiKey);
        builder.environment().put("TG_BASE_URL", baseUrl);
        builder.environment().put("TG_DATA_DIR", dataDir.toString());
        builder.environment().putAll(environment);
        return builder.start();
    }

    /**
     * The {@code .part} files under the data dir's artifacts: downloads in flight, or what a killed process left.
     */
    public static List<Path> partFiles(Path dataDir) throws IOException {
        return artifactFiles(dataDir).stream().filter(p -> p.getFileName().toString().endsWith(".part")).toList();
    }

    /**
     * Every file under the data dir's artifacts, {@code .part} files included. Names only, read from the
     * directories, so files renamed or removed meanwhile do not disturb the listing.
     */
    public static List<Path> artifactFiles(Path dataDir) throws IOException {
        Path root = dataDir.resolve("artifacts");
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> samples = Files.list(root)) {
                for (Path sample : samples.toList()) {
                    try (Stream<Path> files = Files.list(sample)) {
                        files.forEach(found::add);
                    }
                }
            }
        }
        return found;
    }

    /** Waits until a download is in flight (a {@code .part} file exists), failing if the process dies or 30 s pass. */
    public static void awaitDownload(Path dataDir, Path log, Process process) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (partFiles(dataDir).isEmpty()) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new AssertionError("no download in flight within 30 s:\n" + Files.readString(log));
            }
            Thread.sleep(10);
        }
    }

    /** Waits until the log shows {@code text}, failing if the process dies or 30 s pass. */
    public static void awaitLog(Path log, String text, Process process) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (!Files.exists(log) || !Files.readString(log).contains(text)) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new AssertionError("no '" + text + "' in:\n" + (Files.exists(log) ? Files.readString(log) : ""));
            }
            Thread.sleep(100);
        }
    }
}
