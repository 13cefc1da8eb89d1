package io.tgharvester.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * Runs benchmarks by name and prints each one's table; {@code all} runs every one and writes the tables with the
 * machine's description to docs/BENCHMARKS.md. Exit 0 only when every figure meets its target.
 */
public final class Benchmarks {
    private Benchmarks() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Callable<BenchTable>> known = new LinkedHashMap<>();
        known.put("api", () -> ApiCalls.table(ApiCalls.measure(ApiCalls.defaultPlan(work("api")))));
        known.put("ingest", () -> IngestBench.run(work("ingest")));
        known.put("download", () -> DownloadBench.run(work("download")));
        known.put("memory", () -> MemoryBench.run(work("memory")));
        known.put("latency", () -> LatencyBench.run(work("latency")));
        known.put("scale", () -> ScaleBench.run(work("scale"), List.of(args).subList(Math.min(1, args.length),
                args.length)));
        known.put("startup", () -> StartupBench.run(work("startup")));
        known.put("faults", () -> FaultsBench.run(work("faults")));
        known.put("backlog", () -> BacklogBench.run(work("backlog"), option(args, "--samples",
                BacklogBench.DEFAULT_SAMPLES)));
        String name = args.length == 0 ? "all" : args[0];
        List<String> names = name.equals("all") ? List.copyOf(known.keySet()) : List.of(name);
        if (!known.keySet().containsAll(names)) {
            System.err.println("scripts/bench: unknown benchmark '" + name + "'; known: all, " + known.keySet());
            System.exit(2);
        }
        List<BenchTable> tables = new ArrayList<>();
        for (String n : names) {
            BenchTable table = known.get(n).call();
            System.out.println(table.markdown());
            tables.add(table);
        }
        if (name.equals("all")) {
            Path doc = Path.of("docs", "BENCHMARKS.md");
            Files.writeString(doc, document(tables) + handWrittenNotes(doc));
            System.out.println("written: " + doc);
        }
        System.exit(tables.stream().allMatch(BenchTable::passes) ? 0 : 1);
    }

    /** The whole number after {@code name} among the arguments, or {@code otherwise}. */
    private static int option(String[] args, String name, int otherwise) {
        for (int i = 1; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return otherwise;
    }

    /** A scratch dir, removed when the benchmarks end (the memory benchmark writes 2 GB into its). */
    private static Path work(String name) throws IOException {
        Path dir = Files.createTempDirectory("tg-bench-" + name);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
        return dir;
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            System.err.println("scripts/bench: could not remove " + dir + ": " + e.getMessage());
        }
    }

    /** The file's "## Notes" section onwards (what limits each figure, what was changed), kept across rewrites. */
    private static String handWrittenNotes(Path doc) throws IOException {
        String existing = Files.isRegularFile(doc) ? Files.readString(doc) : "";
        int notes = existing.indexOf("\n## Notes");
        return notes < 0 ? "" : existing.substring(notes);
    }

    private static String document(List<BenchTable> tables) {
        StringBuilder out = new StringBuilder("""
                # Benchmarks

                Written by `scripts/bench all` (the soak, `scripts/bench soak`, is in docs/RELIABILITY.md). Each row
                sets a measured value against its limit; the ratio must meet the target.

                """);
        out.append("Measured ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(" on: ")
                .append(Machine.describe()).append("\n\n");
        tables.forEach(t -> out.append(t.markdown()).append("\n"));
        return out.toString();
    }
}
