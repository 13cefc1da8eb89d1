package io.tgharvester.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Start-up: milliseconds from launching {@code run --once} (the packaged jar, with the launcher's JVM flags) to its
 * first HTTP request reaching a loopback server, on a data dir that already exists; the median of five. The limit is
 * a bare JVM start ({@code java -version}). A second row maps a class-data archive recorded from one such run, as
 * the launcher records one on its first run after a build.
 */
final class StartupBench {
    static final Path JAR = Path.of("target", "tg-harvester.jar");
    /** scripts/tg-harvester's JVM flags. */
    static final List<String> LAUNCHER_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    static final double TARGET = 10;
    private static final int RUNS = 5;

    private StartupBench() {
    }

    static BenchTable run(Path work) throws Exception {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: scripts/tg-harvester --version builds it");
        }
        AtomicLong firstRequest = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext("/", exchange -> {
            firstRequest.compareAndSet(0, System.nanoTime());
            byte[] page = "{\"data\":{\"items\":[],\"current_item_count\":0}}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, page.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(page);
            }
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            Path dataDir = work.resolve("data");
            launch(runOnce(List.of(), base, dataDir), firstRequest); // creates and migrates the database
            double jvm = median(() -> {
                long t0 = System.nanoTime();
                wait(new ProcessBuilder(java(), "-version").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
                return (System.nanoTime() - t0) / 1e6;
            });
            double plain = median(() -> launch(runOnce(List.of(), base, dataDir), firstRequest));
            List<BenchRow> rows = new ArrayList<>(List.of(
                    new BenchRow("ms to first request, launcher flags", plain, jvm, TARGET, true, "")));
            List<String> notes = List.of(String.format(Locale.ROOT, "median of %d runs of `run --once` on an"
                    + " existing data dir; limit: `java -version`, %.0f ms.", RUNS, jvm));
            // The archive scripts/tg-harvester records on its first run after a build, recorded from run --once.
            Path archive = work.resolve("run-once.jsa");
            launch(runOnce(List.of("-XX:ArchiveClassesAtExit=" + archive), base, dataDir), firstRequest);
            double archived = median(() -> launch(runOnce(List.of("-XX:SharedArchiveFile=" + archive), base,
                    dataDir), firstRequest));
            rows.add(new BenchRow("ms to first request, with a class-data archive", archived, jvm, TARGET, true,
                    ""));
            return new BenchTable("startup: `run --once` to its first HTTP request", rows, notes);
        } finally {
            server.stop(0);
        }
    }

    private static ProcessBuilder runOnce(List<String> extraFlags, String base, Path dataDir) {
        List<String> command = new ArrayList<>(List.of(java(), "-Dh2.bindAddress=127.0.0.1"));
        command.addAll(LAUNCHER_FLAGS);
        command.addAll(extraFlags);
        command.addAll(List.of("-jar", JAR.toString(), "run", "--once"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(java.util.Map.of("TG_BASE_URL", base, "TG_API_KEY", "bench-key",
                "TG_DATA_DIR", dataDir.toString(), "TG_LOG_LEVEL", "WARN"));
        return builder;
    }

    private static double launch(ProcessBuilder builder, AtomicLong firstRequest) throws IOException,
            InterruptedException {
        firstRequest.set(0);
        long t0 = System.nanoTime();
        wait(builder.start());
        if (firstRequest.get() == 0) {
            throw new IllegalStateException("run --once made no request");
        }
        return (firstRequest.get() - t0) / 1e6;
    }

    private static void wait(Process process) throws InterruptedException {
        process.waitFor();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private interface Timed {
        double ms() throws Exception;
    }

    private static double median(Timed timed) throws Exception {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            times.add(timed.ms());
        }
        times.sort(null);
        return times.get(RUNS / 2);
    }
}
