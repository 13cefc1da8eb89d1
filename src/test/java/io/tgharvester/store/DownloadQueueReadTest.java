package io.tgharvester.store;

import static io.tgharvester.TestSamples.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.api.Sample;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A claim from the download queue reads the due artifacts, not every artifact the data dir ever downloaded: a
 * harvest of a million samples claims as cheaply as a new one. Counted by H2's EXPLAIN ANALYZE on a real database.
 */
class DownloadQueueReadTest {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final List<String> ARTIFACTS = List.of("analysis.json", "processes.json", "network.pcap",
            "video.webm");
    private static final Pattern SCANNED = Pattern.compile("scanCount: (\\d+)");

    @TempDir
    Path dataDir;

    @Test
    void aClaimReadsTheDueArtifactsOnly() throws Exception {
        try (Database db = Database.open(dataDir)) {
            List<Sample> samples = IntStream.rangeClosed(1, 500).mapToObj(n -> sample(n, "succ", T0)).toList();
            new SampleStore(db, ARTIFACTS).storePage(samples, T0);
            try (Connection conn = db.ownerConnection(); Statement st = conn.createStatement()) {
                assertEquals(1980, st.executeUpdate("UPDATE artifacts SET status = 'done' WHERE sample_id IN"
                        + " (SELECT id FROM samples ORDER BY id LIMIT 495)"));
            }

            long scanned = scanned(db);
            List<ArtifactTask> claimed = new ArtifactStore(db).due(T0, 50);

            assertEquals(20, claimed.size(), "the five unfinished samples' artifacts");
            assertTrue(scanned < 100, "rows read for a claim among 1,980 done artifacts: " + scanned);
        }
    }

    /** The rows H2 reads to answer the claim's query, all tables together. */
    private static long scanned(Database db) throws Exception {
        try (Connection conn = db.ownerConnection();
             PreparedStatement st = conn.prepareStatement("EXPLAIN ANALYZE " + ArtifactStore.DUE)) {
            Jdbc.setTime(st, 1, T0);
            Jdbc.setTime(st, 2, T0);
            st.setString(3, "default");
            st.setInt(4, 50);
            List<String> plans = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    plans.add(rs.getString(1));
                }
            }
            long total = 0;
            Matcher m = SCANNED.matcher(String.join("\n", plans));
            while (m.find()) {
                total += Long.parseLong(m.group(1));
            }
            assertTrue(total > 0, "EXPLAIN ANALYZE counted no rows: " + plans);
            return total;
        }
    }
}
