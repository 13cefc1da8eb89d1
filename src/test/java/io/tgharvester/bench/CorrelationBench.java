package io.tgharvester.bench;

import io.tgharvester.correlate.Indicator;
import io.tgharvester.correlate.RelatedSamples;
import io.tgharvester.store.CorrelationQueries;
import io.tgharvester.store.CorrelationQueries.Shared;
import io.tgharvester.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * {@code find} and {@code related} at scale: a database of N samples (default one million) with correlation rows
 * shaped like a real organization's (a few IOCs nearly every sample fires, a public resolver most samples ask, long
 * tails of rare domains, IPs and dropped files), then each lookup timed, for a rare and for a very common value.
 */
public final class CorrelationBench {
    private static final String[] USERS = new String[50];
    private static final int BATCH = 20_000;

    static {
        for (int i = 0; i < USERS.length; i++) {
            USERS[i] = "analyst" + i;
        }
    }

    /** Rank 1..n drawn with probability proportional to 1/rank^s: few values are everywhere, most are rare. */
    private record Zipf(double[] cumulative) {
        static Zipf of(int n, double s) {
            double[] c = new double[n];
            double sum = 0;
            for (int k = 0; k < n; k++) {
                sum += 1 / Math.pow(k + 1, s);
                c[k] = sum;
            }
            for (int k = 0; k < n; k++) {
                c[k] /= sum;
            }
            return new Zipf(c);
        }

        int draw(Random random) {
            int at = java.util.Arrays.binarySearch(cumulative, random.nextDouble());
            return at >= 0 ? at : -at - 1;
        }
    }

    private CorrelationBench() {
    }

    public static void main(String[] args) throws Exception {
        int samples = 1_000_000;
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--samples" -> samples = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                case "--help", "-h" -> {
                    System.out.println("Usage: scripts/bench correlate [--samples N (1000000)] [--dir DATA_DIR]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
            }
        }
        Path dataDir = dir != null ? dir : Files.createTempDirectory("tg-correlate-bench");
        if (!Database.exists(dataDir)) {
            Instant start = Instant.now();
            long rows = generate(dataDir, samples);
            System.out.printf(Locale.ROOT, "generated %,d samples and %,d correlation rows in %s (%s)%n", samples, rows,
                    Duration.between(start, Instant.now()).withNanos(0), dataDir);
        }
        Database.open(dataDir).close(); // a reused harvest gets migrations added since it was generated
        System.out.printf(Locale.ROOT, "database file: %,d MB%n",
                Files.size(dataDir.resolve("harvester.mv.db")) / 1_000_000);
        try (Database db = Database.openReadOnly(dataDir)) {
            timeLookups(new CorrelationQueries(db), samples);
        }
    }

    private static void timeLookups(CorrelationQueries queries, int samples) throws Exception {
        // Rare values: the ones one sample has that fewest others share.
        String probe = id(samples / 3);
        String rareDomain = rarest(queries, probe, Shared.DOMAIN);
        String rareIp = rarest(queries, probe, Shared.IP);
        String dropped = queries.valuesOf(probe, Shared.SHA256).stream()
                .filter(hash -> !hash.equals(hash("sample", samples / 3))).findFirst().orElseThrow();
        String rareIoc = rarest(queries, probe, Shared.IOC);
        System.out.println();
        System.out.printf("%-56s %9s %9s %9s%n", "lookup", "listed", "first ms", "again ms");
        time("find --domain (rare)", () -> listed(queries.find(Indicator.DOMAIN, rareDomain, 100)));
        time("find --domain (most common)", () -> listed(queries.find(Indicator.DOMAIN, domain(0), 100)));
        time("find --ip (rare)", () -> listed(queries.find(Indicator.IP, rareIp, 100)));
        time("find --ip 8.8.8.8 (most samples)", () -> listed(queries.find(Indicator.IP, "8.8.8.8", 100)));
        time("find --sha256 (a dropped file)", () -> listed(queries.find(Indicator.SHA256, dropped, 100)));
        time("find --ioc (rare)", () -> listed(queries.find(Indicator.IOC, rareIoc, 100)));
        time("find --ioc (most common)", () -> listed(queries.find(Indicator.IOC, ioc(0), 100)));
        time("find --url-like '%/gate.php%' (2% of urls)", () -> listed(queries.find(Indicator.URL_LIKE,
                "%/gate.php%", 100)));
        time("find --url-like 'http://" + domain(5_000) + "/%' (prefix)", () -> listed(queries.find(
                Indicator.URL_LIKE, "http://" + domain(5_000) + "/%", 100)));
        time("find --url-like '%/nowhere%' (none)", () -> listed(queries.find(Indicator.URL_LIKE, "%/nowhere%",
                100)));
        for (int n : new int[] {samples / 7, samples / 2, samples - 3}) {
            String id = id(n);
            time("related " + id.replaceFirst("^0+", "…"), () -> RelatedSamples.of(queries, id, 20,
                    RelatedSamples.DEFAULT_COMMON_ABOVE).related().rows().size());
        }
    }

    private static String rarest(CorrelationQueries queries, String sampleId, Shared kind) {
        String rarest = null;
        int fewest = Integer.MAX_VALUE;
        for (String value : queries.valuesOf(sampleId, kind)) {
            int others = queries.samplesWith(kind, value, sampleId, fewest).size();
            if (others < fewest) {
                fewest = others;
                rarest = value;
            }
        }
        return rarest;
    }

    private static int listed(CorrelationQueries.Found found) {
        return found.samples().rows().size();
    }

    private static void time(String name, Callable<Integer> lookup) throws Exception {
        long t0 = System.nanoTime();
        int matches = lookup.call();
        long first = System.nanoTime() - t0;
        t0 = System.nanoTime();
        lookup.call();
        long again = System.nanoTime() - t0;
        System.out.printf(Locale.ROOT, "%-56s %9d %9.0f %9.0f%n", name, matches, first / 1e6, again / 1e6);
    }

    static String id(int n) {
        return "%032x".formatted(n);
    }

    private static String domain(int rank) {
        return "host" + rank + ".example-" + (rank % 97) + ".net";
    }

    private static String ip(int rank) {
        return "198." + (rank >> 16 & 255) + "." + (rank >> 8 & 255) + "." + (rank & 255);
    }

    private static String ioc(int rank) {
        return "ioc-" + rank;
    }

    private static String hash(String kind, int n) {
        return String.format(Locale.ROOT, "%064x", ((long) kind.hashCode() << 32) ^ n);
    }

    /** Rows as a harvest with parsed analyses would hold them; returns the number of correlation rows. */
    private static long generate(Path dataDir, int samples) throws SQLException {
        Random random = new Random(5);
        Zipf iocs = Zipf.of(300, 1.1);
        Zipf domains = Zipf.of(300_000, 1.0);
        Zipf ips = Zipf.of(200_000, 1.0);
        Zipf drops = Zipf.of(50_000, 0.9);
        Instant first = Instant.parse("2025-11-24T00:00:00Z");
        long rows = 0;
        try (Database db = Database.open(dataDir);
             Connection conn = db.ownerConnection();
             PreparedStatement sample = conn.prepareStatement("INSERT INTO samples (id, sha256, login, state,"
                     + " submitted_at, finished_at, first_seen_at, last_checked_at, filename)"
                     + " VALUES (?, ?, ?, 'succ', ?, ?, ?, ?, ?)");
             PreparedStatement analysis = conn.prepareStatement("INSERT INTO analysis (sample_id, threat_score,"
                     + " behaviour_count, parsed_at) VALUES (?, ?, ?, ?)");
             PreparedStatement ioc = conn.prepareStatement("INSERT INTO iocs (sample_id, ioc, title, severity)"
                     + " VALUES (?, ?, ?, ?)");
             PreparedStatement flow = conn.prepareStatement("INSERT INTO network_flows (sample_id, src_ip, src_port,"
                     + " dst_ip, dst_port, transport, protocol) VALUES (?, '10.0.2.15', 49152, ?, ?, ?, ?)");
             PreparedStatement domain = conn.prepareStatement("INSERT INTO domains (sample_id, domain) VALUES (?, ?)");
             PreparedStatement url = conn.prepareStatement("INSERT INTO urls (sample_id, url, method, status)"
                     + " VALUES (?, ?, 'GET', 200)");
             PreparedStatement file = conn.prepareStatement("INSERT INTO artifact_hashes (sample_id, path, sha256,"
                     + " origin) VALUES (?, ?, ?, ?)")) {
            conn.setAutoCommit(false);
            List<PreparedStatement> all = List.of(sample, analysis, ioc, flow, domain, url, file);
            for (int n = 0; n < samples; n++) {
                String id = id(n);
                Instant submitted = first.plusSeconds(n * 31L);
                sample.setString(1, id);
                sample.setString(2, hash("sample", n));
                sample.setString(3, USERS[Math.min(USERS.length - 1, (int) Math.abs(random.nextGaussian() * 12))]);
                sample.setObject(4, submitted.atOffset(ZoneOffset.UTC));
                sample.setObject(5, submitted.plusSeconds(400).atOffset(ZoneOffset.UTC));
                sample.setObject(6, submitted.atOffset(ZoneOffset.UTC));
                sample.setObject(7, submitted.atOffset(ZoneOffset.UTC));
                sample.setString(8, "sample" + n + ".exe");
                sample.addBatch();
                int iocCount = 2 + random.nextInt(7);
                analysis.setString(1, id);
                analysis.setInt(2, random.nextInt(101));
                analysis.setInt(3, iocCount);
                analysis.setObject(4, submitted.plusSeconds(500).atOffset(ZoneOffset.UTC));
                analysis.addBatch();
                for (int k : distinct(random, iocs, iocCount)) {
                    ioc.setString(1, id);
                    ioc.setString(2, ioc(k));
                    ioc.setString(3, "Behaviour " + k);
                    ioc.setInt(4, 20 + k % 80);
                    ioc.addBatch();
                    rows++;
                }
                int flows = 2 + random.nextInt(7);
                for (int f = 0; f < flows; f++) {
                    boolean dns = f == 0 && random.nextDouble() < 0.7;
                    flow.setString(1, id);
                    flow.setString(2, dns ? "8.8.8.8" : ip(ips.draw(random)));
                    flow.setInt(3, dns ? 53 : 443);
                    flow.setString(4, dns ? "udp" : "tcp");
                    flow.setString(5, dns ? "dns" : "https");
                    flow.addBatch();
                    rows++;
                }
                for (int k : distinct(random, domains, 1 + random.nextInt(3))) {
                    domain.setString(1, id);
                    domain.setString(2, domain(k));
                    domain.addBatch();
                    rows++;
                }
                url.setString(1, id);
                url.setString(2, "http://" + domain(domains.draw(random)) + (random.nextInt(50) == 0
                        ? "/gate.php?id=" + n : "/index.html"));
                url.addBatch();
                file.setString(1, id);
                file.setString(2, "sample" + n + ".exe");
                file.setString(3, hash("sample", n));
                file.setString(4, "submitted");
                file.addBatch();
                file.setString(1, id);
                file.setString(2, "C:\\Users\\user\\AppData\\Local\\Temp\\drop.exe");
                file.setString(3, hash("drop", drops.draw(random)));
                file.setString(4, "disk");
                file.addBatch();
                rows += 3;
                if (n % BATCH == BATCH - 1 || n == samples - 1) {
                    for (PreparedStatement st : all) {
                        st.executeBatch();
                    }
                    conn.commit();
                    if (n % 200_000 == 199_999) {
                        System.out.printf(Locale.ROOT, "  %,d samples%n", n + 1);
                    }
                }
            }
            try (Statement st = conn.createStatement()) {
                st.execute("ANALYZE");
                conn.commit();
                // Bulk loading leaves old page versions behind; a harvest written over months would not have them.
                st.execute("SHUTDOWN COMPACT");
            }
        }
        return rows;
    }

    private static List<Integer> distinct(Random random, Zipf zipf, int count) {
        List<Integer> values = new ArrayList<>();
        while (values.size() < count) {
            int value = zipf.draw(random);
            if (!values.contains(value)) {
                values.add(value);
            }
        }
        return values;
    }
}
