package io.tgharvester.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.api.Sample;
import io.tgharvester.store.SampleListing.SortKey;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Filters compiled to SQL and run as the read-only user over samples stored by the harvester's own SampleStore. */
class SampleListingQueriesTest {
    private static final String DROP = "'); DROP TABLE samples; --";
    static final Instant STORED_AT = Instant.parse("2026-11-04T00:00:00Z");

    @TempDir
    static Path dataDir;
    private static Database reader;
    private static SampleListingQueries queries;

    private static String id(int n) {
        return "%032x".formatted(n);
    }

    private static Sample sample(int n, String login, String state, String submitted, String filename,
                                 List<String> tags, Long organization, Boolean isPrivate) {
        return new Sample(id(n), state, Optional.empty(), Optional.ofNullable(filename), Optional.ofNullable(login),
                Optional.ofNullable(organization), Optional.empty(),
                Optional.ofNullable(submitted).map(Instant::parse), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), tags, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.ofNullable(isPrivate));
    }

    /**
     * Six samples: two of alice's on 1 November (the second a second before midnight), bob's at midnight after, one
     * without a login, carol's the day before, and o'brien's without a submission time whose file name is SQL.
     */
    static List<Sample> sixSamples() {
        return List.of(
                sample(1, "alice", "succ", "2026-11-01T08:00:00Z", "invoice.pdf.exe", List.of("phish", "finance"),
                        10L, false),
                sample(2, "alice", "fail", "2026-11-01T23:59:59Z", "setup.EXE", List.of("test-run"), 10L, true),
                sample(3, "bob", "succ", "2026-11-02T00:00:00Z", "report.docm", List.of(), 20L, null),
                sample(4, null, "wait", "2026-11-03T12:00:00Z", null, List.of("x\",\"y"), null, null),
                sample(5, "carol", "run", "2026-10-31T10:00:00Z", "it's.js", List.of("x", "y"), null, null),
                sample(6, "o'brien", "succ", null, DROP, List.of(), null, null));
    }

    /** Stored once: every test only reads. */
    @BeforeAll
    static void store() {
        try (Database db = Database.open(dataDir)) {
            new SampleStore(db, List.of("analysis.json")).storePage(sixSamples(), STORED_AT);
        }
        reader = Database.openReadOnly(dataDir);
        queries = new SampleListingQueries(reader);
    }

    @AfterAll
    static void close() {
        reader.close();
    }

    /** The numbers of the samples the filter keeps. */
    private Set<Integer> matching(String filter) {
        QueryResult result = queries.list(new SampleListing(Optional.of(FilterParser.parse(filter)),
                List.of(), List.of(SampleField.ID), 100, 0));
        return result.rows().stream().map(row -> Integer.parseInt(((String) row.get(0)), 16))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<Integer> numbers(String list) {
        return list.isBlank() ? Set.of()
                : java.util.Arrays.stream(list.split(" ")).map(Integer::valueOf).collect(Collectors.toCollection(TreeSet::new));
    }

    @ParameterizedTest(name = "{0} keeps [{1}]")
    @CsvSource(delimiter = ';', quoteCharacter = '`', value = {
            "login__eq(alice); 1 2",
            "login__ne(alice); 3 4 5 6",
            "login__lt(b); 1 2",
            "login__gte(carol); 5 6",
            "state__in(succ, fail); 1 2 3 6",
            "state__nin(succ, fail); 4 5",
            "filename__regex(\\.exe$); 1",
            "filename__iregex(\\.exe$); 1 2",
            "filename__like(%.doc_); 3",
            "filename__like(%s%); 2 5 6",
            "filename__like(setup_EXE); 2",
            "filename__like(setup\\_EXE); ``",
            "organization_id__eq(10); 1 2",
            "organization_id__gt(10); 3",
            "organization_id__lte(10); 1 2",
            "organization_id__ne(10); 3 4 5 6",
            "private__eq(true); 2",
            "private__ne(true); 1 3 4 5 6",
            "private__in(true, false); 1 2",
            "submitted_at__eq(2026-11-01); 1 2",
            "submitted_at__ne(2026-11-01); 3 4 5 6",
            "submitted_at__lt(2026-11-01); 5",
            "submitted_at__lte(2026-11-01); 1 2 5",
            "submitted_at__gt(2026-11-01); 3 4",
            "submitted_at__gte(2026-11-02); 3 4",
            "submitted_at__in(2026-10-31, 2026-11-03); 4 5",
            "submitted_at__eq(2026-11-01T23:59:59Z); 2",
            "submitted_at__gte(2026-11-02T01:59:59+02:00); 2 3 4",
            "submitted_at__gt(2026-11-01T23:59:59); 3 4",
            "submitted_at__lte(2026-11-01T08:00:00Z); 1 5",
            "tags__eq(phish); 1",
            "tags__eq(x); 5",
            "tags__eq('x\",\"y'); 4",
            "tags__in(test-run, y); 2 5",
            "tags__nin(phish, x); 2 3 4 6",
            "tags__regex(test); 2",
            "tags__iregex(FIN); 1",
            "tags__like('%\"x%'); 4 5",
            "login__eq(alice) AND state__in(succ,fail) AND NOT tags__regex(test.*); 1",
            "login__eq(bob) OR login__eq(carol) AND state__eq(succ); 3",
            "(login__eq(bob) OR login__eq(carol)) AND state__eq(succ); 3",
            "(login__eq(bob) OR login__eq(carol)) AND NOT state__eq(succ); 5",
            "NOT login__eq(alice) AND NOT login__eq(bob); 4 5 6"})
    void eachOperatorKeepsExactlyItsSamples(String filter, String expected) {
        assertEquals(numbers(expected), matching(filter));
    }

    @ParameterizedTest
    @ValueSource(strings = {"login__eq(alice)", "submitted_at__lt(2026-11-02)", "tags__regex(^..$)",
            "private__eq(false)", "organization_id__gte(20) OR filename__like(%.exe)"})
    void notKeepsExactlyTheSamplesTheFilterDrops(String filter) {
        Set<Integer> kept = matching(filter);
        Set<Integer> dropped = matching("NOT (" + filter + ")");

        Set<Integer> both = new HashSet<>(kept);
        both.retainAll(dropped);
        assertEquals(Set.of(), both);
        Set<Integer> all = new TreeSet<>(kept);
        all.addAll(dropped);
        assertEquals(numbers("1 2 3 4 5 6"), all, "samples without the field are dropped, not lost");
    }

    @Test
    void injectionAttemptsAreOnlyValuesThatMatchWhatTheySay() {
        assertEquals(Set.of(), matching("login__eq('alice'' OR ''1''=''1')"));
        assertEquals(Set.of(), matching("login__in(\"x') OR 1=1 --\", 'alice'' --')"));
        assertEquals(Set.of(6), matching("filename__eq(\"" + DROP + "\")"));
        assertEquals(Set.of(6), matching("login__eq(\"o'brien\")"));
        assertEquals(Set.of(5), matching("filename__eq('it''s.js')"));
        assertEquals(Set.of(), matching("filename__like('%'' OR ''1''=''1')"));
        assertEquals(6, queries.count(Optional.empty()), "the table is still there, with every sample");
    }

    @Test
    void noValueReachesTheSqlText() {
        FilterSql sql = FilterSql.of(FilterParser.parse(
                "login__eq(zq1) OR filename__like(zq2%) OR tags__in(zq3) OR submitted_at__gt(2026-11-01T10:00:00Z)"
                        + " OR organization_id__eq(987654)"));

        for (String value : List.of("zq1", "zq2", "zq3", "2026", "987654")) {
            assertFalse(sql.condition().contains(value), value + " in " + sql.condition());
        }
        assertEquals(5, sql.parameters().size(), sql.parameters().toString());
    }

    @Test
    void fieldsComeOutNamedAndOrderedAsAsked() {
        QueryResult result = queries.list(new SampleListing(Optional.empty(),
                List.of(new SortKey(SampleField.LOGIN, false), new SortKey(SampleField.SUBMITTED_AT, true)),
                List.of(SampleField.LOGIN, SampleField.PRIVATE, SampleField.TAGS), 100, 0));

        assertEquals(List.of("login", "private", "tags"), result.columns());
        assertEquals(List.of("alice", "alice", "bob", "carol", "o'brien", "-"),
                result.rows().stream().map(row -> row.get(0) == null ? "-" : row.get(0)).toList(),
                "ascending, the sample without a login last");
        assertEquals(List.of(true, "[\"test-run\"]"), result.rows().get(0).subList(1, 3), "alice's newer first");
    }

    @Test
    void pagesWithOffsetNeitherRepeatNorSkipASampleEvenAmongTies() {
        List<SortKey> byState = List.of(new SortKey(SampleField.STATE, true));
        List<Object> paged = new ArrayList<>();
        for (int offset = 0; offset < 6; offset += 2) {
            queries.list(new SampleListing(Optional.empty(), byState, List.of(SampleField.ID), 2, offset)).rows()
                    .forEach(row -> paged.add(row.get(0)));
        }

        assertEquals(IntStream.of(4, 1, 3, 6, 5, 2).mapToObj(SampleListingQueriesTest::id).toList(), paged,
                "wait, succ (by id, across pages), run, fail");
    }

    @Test
    void missingTimesSortLastInBothDirections() {
        for (boolean descending : List.of(true, false)) {
            List<List<Object>> rows = queries.list(new SampleListing(Optional.empty(),
                    List.of(new SortKey(SampleField.SUBMITTED_AT, descending)), List.of(SampleField.ID), 100, 0)).rows();
            assertEquals(id(6), rows.get(rows.size() - 1).get(0));
            assertTrue(rows.get(0).get(0).equals(descending ? id(4) : id(5)), rows.toString());
        }
    }

    @Test
    void countsWhatTheFilterKeeps() {
        assertEquals(4, queries.count(Optional.of(FilterParser.parse("state__in(succ,fail)"))));
    }
}
