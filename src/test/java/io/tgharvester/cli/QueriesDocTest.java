package io.tgharvester.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tgharvester.report.ReportFixtures;
import io.tgharvester.store.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every ready query of docs/QUERIES.md, as the document has it, run through {@code tg-harvester sql} (the read-only
 * user) on a small harvest whose answers are worked out by hand.
 */
class QueriesDocTest {
    private static final Pattern QUERY = Pattern.compile("### (.+?)\\n.*?```sql\\n(.+?)```", Pattern.DOTALL);
    private static final String H1 = "1".repeat(64);
    private static final String H2 = "2".repeat(64);

    @TempDir
    Path dataDir;

    private static String id(int n) {
        return "%032x".formatted(n);
    }

    /**
     * s1 and s3 from alice, s2 from bob, s4 from carol. evil.example is contacted by s1, s2, s3 (resolving to
     * 203.0.113.7 for s1 and s2, to 203.0.113.9 for s3); cdn.example by s1 and s3 (alice only, no answer). s1 and s2
     * drop the same file; s1 and s2 both talk to two web servers. s1 and s2 request evil.example (s2 gets a 404), s3
     * requests cdn.example.
     */
    @BeforeEach
    void harvest() throws Exception {
        Database.open(dataDir).close();
        String[] logins = {null, "alice", "bob", "alice", "carol"};
        int[] scores = {0, 95, 90, 10, 50};
        String[] magic = {null, "'PE32 executable'", "'PE32 executable'", "'Zip archive data'", "NULL"};
        StringBuilder samples = new StringBuilder();
        StringBuilder analysis = new StringBuilder();
        for (int n = 1; n <= 4; n++) {
            samples.append(n > 1 ? ", " : "").append("('%s', '%s', 'succ', TIMESTAMP WITH TIME ZONE '2026-11-2%d 10:00:00Z', NOW(), NOW(), 's%d.exe')"
                    .formatted(id(n), logins[n], n, n));
            analysis.append(n > 1 ? ", " : "").append("('%s', %d, %s, NOW())".formatted(id(n), scores[n], magic[n]));
        }
        ReportFixtures.asOwner(dataDir,
                "INSERT INTO samples (id, login, state, submitted_at, first_seen_at, last_checked_at, filename) VALUES "
                        + samples,
                "INSERT INTO analysis (sample_id, threat_score, magic_type, parsed_at) VALUES " + analysis,
                ("INSERT INTO domains (sample_id, domain, resolved_ips) VALUES ('%1$s', 'evil.example', '203.0.113.7'),"
                        + " ('%2$s', 'evil.example', '203.0.113.7'), ('%3$s', 'evil.example', '203.0.113.9'),"
                        + " ('%1$s', 'cdn.example', NULL), ('%3$s', 'cdn.example', NULL)")
                        .formatted(id(1), id(2), id(3)),
                ("INSERT INTO urls (sample_id, url, method, host, status) VALUES"
                        + " ('%1$s', 'http://evil.example:80/gate.php', 'POST', 'evil.example', 200),"
                        + " ('%2$s', 'http://evil.example:80/gate.php?id=2', 'POST', 'evil.example', 404),"
                        + " ('%3$s', 'http://cdn.example:80/lib.js', 'GET', 'cdn.example', 200)")
                        .formatted(id(1), id(2), id(3)),
                ("INSERT INTO artifact_hashes (sample_id, path, sha256, origin) VALUES"
                        + " ('%1$s', 'C:\\Temp\\a.exe', '%4$s', 'disk'), ('%2$s', 'C:\\Temp\\b.exe', '%4$s', 'disk'),"
                        + " ('%3$s', 'C:\\Temp\\c.exe', '%5$s', 'disk'), ('%1$s', 's1.exe', '%5$s', 'submitted')")
                        .formatted(id(1), id(2), id(3), H1, H2),
                ("INSERT INTO iocs (sample_id, ioc, title, severity) VALUES ('%1$s', 'network-dns', 'DNS', 20),"
                        + " ('%2$s', 'network-dns', 'DNS', 20), ('%3$s', 'network-dns', 'DNS', 25),"
                        + " ('%4$s', 'network-dns', 'DNS', 20), ('%1$s', 'persistence-run-key', 'Run key', 80),"
                        + " ('%2$s', 'persistence-run-key', 'Run key', 80)").formatted(id(1), id(2), id(3), id(4)),
                ("INSERT INTO processes (sample_id, process_key, pid, name, command_line) VALUES"
                        + " ('%1$s', '1', 100, 'powershell.exe', 'powershell.exe -NoProfile'),"
                        + " ('%2$s', '1', 200, 'PowerShell.exe', 'powershell.exe -Enc SQBFAFgA')").formatted(id(1), id(2)),
                ("INSERT INTO registry_keys (sample_id, pid, key_path, operation) VALUES"
                        + " ('%s', 100, 'HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\upd', 'created'),"
                        + " ('%s', 200, 'HKEY_LOCAL_MACHINE\\SYSTEM\\Setup', 'read')").formatted(id(1), id(2)),
                ("INSERT INTO network_flows (sample_id, dst_ip, dst_port, protocol, bytes_orig, bytes_resp) VALUES"
                        + " ('%1$s', '192.0.2.53', 53, 'dns', 40, 60), ('%1$s', '203.0.113.7', 80, 'http', 100, 900),"
                        + " ('%1$s', '203.0.113.8', 80, 'http', 100, 900), ('%2$s', '203.0.113.7', 80, 'http', 100, 900),"
                        + " ('%2$s', '203.0.113.8', 80, 'http', 100, 900), ('%3$s', '203.0.113.7', 80, 'http', 100, 900)")
                        .formatted(id(1), id(2), id(3)));
    }

    private List<Map<String, Object>> sql(String query) throws IOException {
        CliRun.Result result = CliRun.run(Map.of("TG_DATA_DIR", dataDir.toString()), "sql", query, "--format", "json");
        assertEquals(0, result.exitCode(), query + "\n" + result.everything());
        return CliRun.jsonRows(result.out());
    }

    private static Map<String, String> documentedQueries() throws IOException {
        String doc = Files.readString(Path.of("docs/QUERIES.md"));
        Map<String, String> queries = new LinkedHashMap<>();
        Matcher m = QUERY.matcher(doc.substring(doc.indexOf("## Ready queries")));
        while (m.find()) {
            queries.put(m.group(1).strip(), m.group(2).strip());
        }
        return queries;
    }

    @Test
    void everyReadyQueryRunsAsTheReadOnlyUserAndGivesTheHandWorkedAnswer() throws IOException {
        Map<String, String> queries = documentedQueries();

        assertEquals(11, queries.size(), "every ready query is checked here: " + queries.keySet());
        List<Map<String, Object>> rows = sql(queries.get("Domains contacted by samples of more than one submitter"));
        assertEquals(List.of("evil.example"), CliRun.column(rows, "domain"));
        assertEquals(List.of(2.0), CliRun.column(rows, "submitters"));
        assertEquals(List.of(3.0), CliRun.column(rows, "samples"));

        rows = sql(queries.get("Dropped files seen in more than one sample"));
        assertEquals(List.of(H1), CliRun.column(rows, "sha256"));
        assertEquals(List.of("C:\\Temp\\a.exe"), CliRun.column(rows, "example_path"));

        rows = sql(queries.get("What contacted domains resolved to"));
        assertEquals(List.of(List.of("evil.example", "203.0.113.7", 2.0), List.of("evil.example", "203.0.113.9", 1.0)),
                rows.stream().map(r -> List.of(r.get("domain"), r.get("resolved_ips"), r.get("samples"))).toList());

        rows = sql(queries.get("Hosts requested over HTTP, and how they answered"));
        assertEquals(List.of(List.of("evil.example", 2.0, 2.0, 1.0, "http://evil.example:80/gate.php"),
                List.of("cdn.example", 1.0, 1.0, 0.0, "http://cdn.example:80/lib.js")),
                rows.stream().map(r -> List.of(r.get("host"), r.get("samples"), r.get("requests"), r.get("errors"),
                        r.get("example_url"))).toList());

        rows = sql(queries.get("High-severity samples per submitter"));
        assertEquals(List.of("alice", "bob", "carol"), CliRun.column(rows, "login"));
        assertEquals(List.of(2.0, 1.0, 1.0), CliRun.column(rows, "analysed"));
        assertEquals(List.of(1.0, 1.0, 0.0), CliRun.column(rows, "high_severity"));
        assertEquals(List.of(95.0, 90.0, 50.0), CliRun.column(rows, "max_threat_score"));

        rows = sql(queries.get("The IOCs that fire most, with their worst severity"));
        assertEquals(List.of("network-dns", "persistence-run-key"), CliRun.column(rows, "ioc"));
        assertEquals(List.of(4.0, 2.0), CliRun.column(rows, "samples"));
        assertEquals(List.of(25.0, 80.0), CliRun.column(rows, "max_severity"));

        rows = sql(queries.get("Samples that started PowerShell with an encoded command"));
        assertEquals(List.of(id(2)), CliRun.column(rows, "id"));

        rows = sql(queries.get("Persistence through Run keys"));
        assertEquals(List.of(id(1)), CliRun.column(rows, "id"));

        rows = sql(queries.get("Pairs of samples sharing two or more destination addresses"));
        assertEquals(List.of(id(1)), CliRun.column(rows, "sample"));
        assertEquals(List.of(id(2)), CliRun.column(rows, "other"));
        assertEquals(List.of(2.0), CliRun.column(rows, "shared_ips"));

        rows = sql(queries.get("Where samples talk: destination ports and protocols"));
        assertEquals(List.of("http", "dns"), CliRun.column(rows, "protocol"));
        assertEquals(List.of(5.0, 1.0), CliRun.column(rows, "flows"));
        assertEquals(List.of(3.0, 1.0), CliRun.column(rows, "samples"));
        assertEquals(List.of(5000.0, 100.0), CliRun.column(rows, "bytes"));

        rows = sql(queries.get("Content types submitted, and how they score"));
        assertEquals(List.of("PE32 executable", 2.0, 92.5), List.of(rows.get(0).get("magic_type"),
                rows.get(0).get("samples"), rows.get(0).get("mean_threat_score")));
        assertEquals(3, rows.size());
    }
}
