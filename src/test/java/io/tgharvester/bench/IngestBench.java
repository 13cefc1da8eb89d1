package io.tgharvester.bench;

import io.tgharvester.api.Sample;
import io.tgharvester.store.Database;
import io.tgharvester.store.SampleStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Ingest: list-page samples stored per second through the harvester's own store (lookup, insert, first state change,
 * artifact rows for successes, watermark, one transaction per page), against a raw JDBC batch insert of the same
 * sample rows into an empty database of the same schema: the fastest H2 can take them.
 */
final class IngestBench {
    static final int SAMPLES = 100_000;
    static final int PAGE = 1_000;
    static final double TARGET = 0.5;

    private IngestBench() {
    }

    static BenchTable run(Path work) throws IOException, SQLException {
        List<Sample> samples = samples(SAMPLES);
        double limit = rawRate(Files.createDirectories(work.resolve("raw")), samples);
        double harvester = storeRate(Files.createDirectories(work.resolve("store")), samples);
        return new BenchTable("ingest: list-page samples stored per second",
                List.of(new BenchRow("samples/s", harvester, limit, TARGET, false, "")),
                List.of(String.format(Locale.ROOT, "%,d samples in pages of %,d (a fifth of them succ, so with four"
                        + " artifact rows each); limit: a raw JDBC batch insert of the same rows into samples.",
                        SAMPLES, PAGE)));
    }

    private static double storeRate(Path dataDir, List<Sample> samples) {
        try (Database db = Database.open(dataDir)) {
            SampleStore store = new SampleStore(db, List.of("analysis.json", "processes.json", "network.pcap",
                    "video.webm"));
            long t0 = System.nanoTime();
            for (int from = 0; from < samples.size(); from += PAGE) {
                store.storePage(samples.subList(from, Math.min(samples.size(), from + PAGE)), Instant.now());
            }
            return samples.size() / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private static double rawRate(Path dataDir, List<Sample> samples) throws SQLException {
        try (Database db = Database.open(dataDir); Connection conn = db.ownerConnection();
             PreparedStatement st = conn.prepareStatement("""
                     INSERT INTO samples (id, sha256, filename, login, submission_id, state, submitted_at,
                                          first_seen_at, last_checked_at, tags)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            conn.setAutoCommit(false);
            long t0 = System.nanoTime();
            for (int from = 0; from < samples.size(); from += PAGE) {
                for (Sample s : samples.subList(from, Math.min(samples.size(), from + PAGE))) {
                    st.setString(1, s.id());
                    st.setString(2, s.sha256().orElse(null));
                    st.setString(3, s.filename().orElse(null));
                    st.setString(4, s.login().orElse(null));
                    st.setLong(5, s.submissionId().orElseThrow());
                    st.setString(6, s.state());
                    st.setObject(7, s.submittedAt().orElseThrow().atOffset(ZoneOffset.UTC));
                    st.setObject(8, Instant.now().atOffset(ZoneOffset.UTC));
                    st.setObject(9, Instant.now().atOffset(ZoneOffset.UTC));
                    st.setString(10, "[]");
                    st.addBatch();
                }
                st.executeBatch();
                conn.commit();
            }
            return samples.size() / ((System.nanoTime() - t0) / 1e9);
        }
    }

    static List<Sample> samples(int count) {
        List<Sample> samples = new ArrayList<>(count);
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        for (int n = 0; n < count; n++) {
            String id = "%032x".formatted(n + 1);
            samples.add(new Sample(id, n % 5 == 0 ? "succ" : "run", Optional.of("ok"),
                    Optional.of("file" + n + ".exe"), Optional.of("user" + n % 40), Optional.of(7L),
                    Optional.of((long) n), Optional.of(start.plusSeconds(n)), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.of("%064x".formatted(n)), List.of(),
                    Optional.of("win10"), Optional.empty(), Optional.empty(), Optional.of(false)));
        }
        return samples;
    }
}
