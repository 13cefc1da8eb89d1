package io.tgharvester.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.squareup.moshi.Moshi;
import io.tgharvester.api.Sample;
import io.tgharvester.store.Database;
import io.tgharvester.store.SampleField;
import io.tgharvester.store.SampleStore;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code samples} in process, over samples stored once by the harvester's SampleStore into a real database. */
class SamplesCommandTest {
    private static final String AWKWARD = "a, \"quoted\"\nname.exe";

    @TempDir
    static Path dataDir;

    private static String id(int n) {
        return "%032x".formatted(n);
    }

    /** Five samples an hour apart (5 newest): alice's 1-3, bob's 4, 5 without a login; 2 is tagged test-run. */
    @BeforeAll
    static void store() {
        List<Sample> samples = new ArrayList<>();
        for (int n = 1; n <= 5; n++) {
            samples.add(new Sample(id(n), n % 2 == 0 ? "fail" : "succ", Optional.of("job_done"),
                    Optional.of(n == 3 ? AWKWARD : "file" + n + ".exe"), Optional.ofNullable(n <= 3 ? "alice"
                    : n == 4 ? "bob" : null), Optional.empty(), Optional.of(100L + n),
                    Optional.of(Instant.parse("2026-11-20T0" + n + ":00:00Z")), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), n == 2 ? List.of("test-run") : List.of(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
        }
        try (Database db = Database.open(dataDir)) {
            new SampleStore(db, List.of("analysis.json")).storePage(samples, Instant.parse("2026-11-21T00:00:00Z"));
        }
    }

    private static CliRun.Result run(String... args) {
        return CliRun.run(Map.of("TG_DATA_DIR", dataDir.toString()), args);
    }

    private static String ok(String... args) {
        CliRun.Result result = run(args);
        assertEquals(0, result.exitCode(), result.everything());
        return result.out();
    }

    @Test
    void theIssuesExampleListsAlicesFinishedSamplesThatAreNotTestsNewestFirst() throws IOException {
        List<Map<String, Object>> rows = CliRun.jsonRows(ok("samples",
                "--filter", "login__eq(alice) AND state__in(succ,fail) AND NOT tags__regex(test.*)",
                "--order-by", "-submitted_at,login", "--fields", "id,login,state", "--format", "json"));

        assertEquals(List.of(Map.of("id", id(3), "login", "alice", "state", "succ"),
                Map.of("id", id(1), "login", "alice", "state", "succ")), rows);
    }

    @Test
    void everyFormatParsesBackToTheSameRows() throws IOException {
        String[] query = {"samples", "--order-by", "id", "--fields", "id,filename,submission_id,submitted_at,login"};
        List<List<String>> fromJson = new ArrayList<>();
        for (Map<String, Object> row : CliRun.jsonRows(ok(concat(query, "--format", "json")))) {
            fromJson.add(cells(row));
        }
        List<List<String>> fromJsonLines = new ArrayList<>();
        for (String line : ok(concat(query, "--format", "jsonl")).split("\n")) {
            fromJsonLines.add(cells(new Moshi.Builder().build().adapter(Map.class).fromJson(line)));
        }
        List<List<String>> fromCsv = new ArrayList<>();
        try (CSVParser csv = CSVParser.parse(new StringReader(ok(concat(query, "--format", "csv"))),
                CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get())) {
            assertEquals(List.of("id", "filename", "submission_id", "submitted_at", "login"), csv.getHeaderNames());
            for (CSVRecord record : csv) {
                fromCsv.add(record.toList().stream().map(cell -> cell.isEmpty() ? "-" : cell).toList());
            }
        }

        assertEquals(5, fromJson.size());
        assertEquals(List.of(id(3), AWKWARD, "103", "2026-11-20T03:00:00Z", "alice"), fromJson.get(2));
        assertEquals(List.of(id(5), "file5.exe", "105", "2026-11-20T05:00:00Z", "-"), fromJson.get(4));
        assertEquals(fromJson, fromJsonLines, "jsonl");
        assertEquals(fromJson, fromCsv, "csv");
        List<String> table = ok("samples", "--order-by", "id", "--fields", "id,submission_id,submitted_at,login")
                .lines().toList();
        assertEquals("(5 rows)", table.get(table.size() - 1));
        for (int row = 0; row < 5; row++) {
            List<String> expected = new ArrayList<>(fromJson.get(row));
            expected.remove(1);
            assertEquals(expected, List.of(table.get(row + 2).split(" +")), "table row " + row);
        }
    }

    /** JSON values as the table shows them: numbers without a fraction, a missing value as "-". */
    private static List<String> cells(Map<?, ?> row) {
        List<String> cells = new ArrayList<>();
        for (String field : List.of("id", "filename", "submission_id", "submitted_at", "login")) {
            Object value = row.get(field);
            cells.add(value == null ? "-" : value instanceof Double d ? String.valueOf(d.longValue()) : (String) value);
        }
        return cells;
    }

    private static String[] concat(String[] first, String... more) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void aBadFilterExitsTwoWithTheColumnAndACaretAndPrintsNothingElse() {
        CliRun.Result result = run("samples", "--filter", "login__eq(alice) AND state__in(succ,fail");

        assertEquals(2, result.exitCode(), result.everything());
        assertEquals("", result.out());
        assertEquals(List.of("tg-harvester: bad filter at column 41: missing ')' to close the values of state__in"
                        + " opened at column 31",
                "  login__eq(alice) AND state__in(succ,fail",
                "  " + " ".repeat(40) + "^"), result.err().lines().toList());
    }

    @Test
    void badFieldsOrderOrPagingAreUsageErrorsNamingTheOption() {
        assertTrue(run("samples", "--fields", "id,password").err()
                .startsWith("tg-harvester: --fields: unknown field 'password'; fields: id, submitted_at"));
        assertEquals(2, run("samples", "--fields", "id,password").exitCode());
        assertEquals(2, run("samples", "--fields", "id,,login").exitCode());
        assertEquals(2, run("samples", "--fields", "id,id").exitCode());
        assertTrue(run("samples", "--order-by", "-nope").err().contains("--order-by: unknown field 'nope'"));
        assertEquals(2, run("samples", "--order-by", "login,-login").exitCode());
        assertEquals(2, run("samples", "--limit", "0").exitCode());
        assertEquals(2, run("samples", "--offset", "-1").exitCode());
        assertEquals(2, run("samples", "--format", "xml").exitCode());
    }

    @Test
    void aLimitedPageSaysOnStderrHowManyMatchAndTheOffsetTurnsThePage() throws IOException {
        CliRun.Result first = run("samples", "--limit", "2", "--format", "json", "--fields", "id");
        CliRun.Result last = run("samples", "--limit", "2", "--offset", "4", "--format", "json", "--fields", "id");

        assertEquals(List.of(id(5), id(4)), CliRun.column(CliRun.jsonRows(first.out()), "id"), "newest first");
        assertEquals("5 samples match; 1 to 2 are listed (--limit, --offset).\n", first.err());
        assertEquals(List.of(id(1)), CliRun.column(CliRun.jsonRows(last.out()), "id"));
        assertEquals("", last.err(), "nothing more to list");
    }

    @Test
    void theHelpListsEveryField() {
        assertTrue(ok("samples", "--help").replaceAll("\\s+", " ").contains("Fields: " + SampleField.names() + "."));
    }
}
