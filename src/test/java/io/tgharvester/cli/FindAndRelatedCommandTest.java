package io.tgharvester.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.report.ReportFixtures;
import io.tgharvester.store.Database;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** find and related, in-process on a real database whose correlation tables hold hand-made rows. */
class FindAndRelatedCommandTest {
    private static final String DROPPED = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final String SUBMITTED = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

    @TempDir
    Path dataDir;

    private static String id(int n) {
        return "%032x".formatted(n);
    }

    /**
     * Samples 1..5 submitted an hour apart (5 newest). 1 and 2 share a domain, a destination IP, a dropped file and
     * an IOC; 1 and 3 share only the domain; 4 dropped nothing but was itself the file 1 and 2 dropped; every sample
     * contacts the resolver 8.8.8.8 and fires the IOC network-dns.
     */
    @BeforeEach
    void harvest() throws Exception {
        Database.open(dataDir).close();
        List<String> sql = new ArrayList<>();
        for (int n = 1; n <= 5; n++) {
            sql.add(("INSERT INTO samples (id, sha256, login, state, submitted_at, first_seen_at, last_checked_at,"
                    + " filename) VALUES ('%s', '%s', '%s', 'succ', TIMESTAMP WITH TIME ZONE '2026-11-20 0%d:00:00Z',"
                    + " NOW(), NOW(), 'file%d.exe')").formatted(id(n), n == 4 ? DROPPED : SUBMITTED.replace('2', (char) ('0' + n)),
                    n == 3 ? "carol" : "alice", n, n));
            sql.add("INSERT INTO analysis (sample_id, threat_score, parsed_at) VALUES ('%s', %d, NOW())"
                    .formatted(id(n), 50 + n));
            sql.add("INSERT INTO network_flows (sample_id, src_ip, dst_ip, dst_port) VALUES ('%s', '10.0.2.15', '8.8.8.8', 53)"
                    .formatted(id(n)));
            sql.add("INSERT INTO iocs (sample_id, ioc, title) VALUES ('%s', 'network-dns', 'DNS query')".formatted(id(n)));
        }
        sql.add(("INSERT INTO domains (sample_id, domain) VALUES ('%s', 'evil.example'), ('%s', 'evil.example'),"
                + " ('%s', 'evil.example'), ('%s', 'cdn.example')").formatted(id(1), id(2), id(3), id(1)));
        sql.add(("INSERT INTO network_flows (sample_id, src_ip, dst_ip, dst_port) VALUES ('%s', '10.0.2.15', '203.0.113.7', 443),"
                + " ('%s', '10.0.2.15', '203.0.113.7', 8080)").formatted(id(1), id(2)));
        sql.add(("INSERT INTO artifact_hashes (sample_id, path, sha256, origin) VALUES"
                + " ('%s', 'C:\\Temp\\drop.exe', '%s', 'disk'), ('%s', 'C:\\Temp\\x.exe', '%s', NULL)")
                .formatted(id(1), DROPPED, id(2), DROPPED));
        sql.add("INSERT INTO iocs (sample_id, ioc, title) VALUES ('%s', 'persistence-run-key', 'Run key'), ('%s', 'persistence-run-key', 'Run key')"
                .formatted(id(1), id(2)));
        sql.add("INSERT INTO urls (sample_id, url, method) VALUES ('%s', 'http://evil.example/gate.php?id=1', 'POST'),"
                .formatted(id(2)) + " ('%s', 'http://cdn.example/lib.js', 'GET')".formatted(id(3)));
        ReportFixtures.asOwner(dataDir, sql.toArray(String[]::new));
    }

    private CliRun.Result run(String... args) {
        return CliRun.run(Map.of("TG_DATA_DIR", dataDir.toString()), args);
    }

    private List<Map<String, Object>> json(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--format", "json"));
        CliRun.Result result = run(all.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.everything());
        return CliRun.jsonRows(result.out());
    }

    @Test
    void findListsTheMatchingSamplesNewestFirstWithWhoSubmittedThemAndWhat() throws IOException {
        List<Map<String, Object>> rows = json("find", "--domain", "EVIL.example.");

        assertEquals(List.of(id(3), id(2), id(1)), CliRun.column(rows, "sample_id"));
        assertEquals(List.of("carol", "alice", "alice"), CliRun.column(rows, "login"));
        assertEquals("2026-11-20T03:00:00Z", rows.get(0).get("submitted_at"));
        assertEquals(53.0, rows.get(0).get("threat_score"));
        assertEquals("evil.example", rows.get(0).get("matched"));
    }

    @Test
    void eachIndicatorFindsItsSamples() throws IOException {
        assertEquals(List.of(id(2), id(1)), CliRun.column(json("find", "--ip", "203.0.113.7"), "sample_id"));
        assertEquals(List.of("to 203.0.113.7:8080", "to 203.0.113.7:443"),
                CliRun.column(json("find", "--ip", "203.0.113.7"), "matched"));
        assertEquals(5, json("find", "--ip", "10.0.2.15").size(), "the source address matches too");
        assertEquals(List.of(id(4), id(2), id(1)), CliRun.column(json("find", "--sha256", DROPPED.toUpperCase()), "sample_id"),
                "dropped by 1 and 2, submitted as 4");
        assertEquals(List.of("submitted file", "artifact C:\\Temp\\x.exe", "disk artifact C:\\Temp\\drop.exe"),
                CliRun.column(json("find", "--sha256", DROPPED), "matched"));
        assertEquals(List.of(id(2), id(1)), CliRun.column(json("find", "--ioc", "persistence-run-key"), "sample_id"));
        assertEquals(List.of(id(2)), CliRun.column(json("find", "--url-like", "gate.php"), "sample_id"));
        assertEquals(List.of(id(3)), CliRun.column(json("find", "--url-like", "http://cdn.%.js"), "sample_id"));
        assertEquals(List.of(), json("find", "--domain", "nowhere.example"));
    }

    @Test
    void aLimitedListingSaysHowManyMatchInAll() {
        CliRun.Result result = run("find", "--ioc", "network-dns", "--limit", "2", "--format", "csv");

        assertEquals(0, result.exitCode(), result.everything());
        assertEquals(3, result.out().strip().split("\r?\n").length, "header and two rows: " + result.out());
        assertTrue(result.err().contains("5 samples match; the newest 2 are listed"), result.err());
    }

    @Test
    void badValuesAreUsageErrors() {
        assertEquals(2, run("find", "--sha256", "abc").exitCode());
        assertEquals(2, run("find", "--domain", "a.example", "--ioc", "x").exitCode(), "one indicator at a time");
        assertEquals(2, run("find").exitCode());
        CliRun.Result unknown = run("related", id(99));
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("no sample " + id(99)), unknown.err());
        assertEquals(2, run("related", "../../etc/passwd").exitCode());
    }

    @Test
    void relatedRanksByHowMuchIsSharedAndLeavesOutWhatEverySampleHas() throws IOException {
        CliRun.Result result = run("related", id(1), "--common-above", "3", "--format", "json");
        List<Map<String, Object>> rows = json("related", id(1), "--common-above", "3");

        assertEquals(List.of(id(2), id(3), id(4)), CliRun.column(rows, "sample_id"),
                "2 shares four values; 3 (the domain) and 4 (it was the dropped file) one each, equally rare");
        assertEquals(List.of(4.0, 1.0, 1.0), CliRun.column(rows, "shared"));
        assertEquals(1.0, rows.get(0).get("domains"));
        assertEquals(1.0, rows.get(0).get("ips"));
        assertEquals(1.0, rows.get(0).get("hashes"));
        assertEquals(1.0, rows.get(0).get("iocs"));
        assertEquals("domain evil.example", rows.get(1).get("examples"));
        assertEquals("carol", rows.get(1).get("login"));
        assertEquals("sha256 " + DROPPED, rows.get(2).get("examples"));
        assertTrue(result.err().contains("Left out as too common (more than 3 other samples): ip 8.8.8.8, ioc network-dns"),
                result.err());
    }

    @Test
    void aValueSharedByFewEnoughSamplesCounts() throws IOException {
        List<Map<String, Object>> rows = json("related", id(5));

        assertEquals(List.of(id(1), id(2), id(3), id(4)), CliRun.column(rows, "sample_id"),
                "with the default threshold the resolver and the DNS IOC relate every sample");
        assertEquals(List.of(2.0, 2.0, 2.0, 2.0), CliRun.column(rows, "shared"));
    }
}
