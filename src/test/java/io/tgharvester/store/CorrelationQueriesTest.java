package io.tgharvester.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.correlate.Indicator;
import io.tgharvester.report.ReportFixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** find takes one of two routes depending on how common a value is; both must give the same answer. */
class CorrelationQueriesTest {
    private static final int SAMPLES = CorrelationQueries.COMMON + 1_000;

    @TempDir
    Path dataDir;

    /** Sample n submitted n minutes after a start; every one fires 'everywhere', every 1000th also 'rare'. */
    @BeforeEach
    void harvest() throws Exception {
        Database.open(dataDir).close();
        ReportFixtures.asOwner(dataDir, """
                INSERT INTO samples (id, login, state, submitted_at, first_seen_at, last_checked_at)
                SELECT LPAD(LOWER(TO_CHAR(X, 'FMXXXXXXXX')), 32, '0'), 'user' || MOD(X, 3), 'succ',
                       TIMESTAMP WITH TIME ZONE '2026-01-01 00:00:00Z' + X * INTERVAL '1' MINUTE, NOW(), NOW()
                FROM SYSTEM_RANGE(1, %d)""".formatted(SAMPLES), """
                INSERT INTO iocs (sample_id, ioc, title)
                SELECT LPAD(LOWER(TO_CHAR(X, 'FMXXXXXXXX')), 32, '0'), 'everywhere', 'Fires always' FROM SYSTEM_RANGE(1, %d)
                """.formatted(SAMPLES), """
                INSERT INTO iocs (sample_id, ioc, title)
                SELECT LPAD(LOWER(TO_CHAR(X * 1000, 'FMXXXXXXXX')), 32, '0'), 'rare', NULL FROM SYSTEM_RANGE(1, %d)
                """.formatted(SAMPLES / 1000));
    }

    private static String id(int n) {
        return "%032x".formatted(n);
    }

    @Test
    void aCommonValueListsTheNewestSamplesWithoutCountingThemAll() {
        try (Database db = Database.openReadOnly(dataDir)) {
            CorrelationQueries.Found found = new CorrelationQueries(db).find(Indicator.IOC, "everywhere", 3);

            assertEquals(OptionalLong.empty(), found.matching());
            assertEquals(List.of(id(SAMPLES), id(SAMPLES - 1), id(SAMPLES - 2)),
                    found.samples().rows().stream().map(row -> row.get(0)).toList());
            assertTrue(found.samples().rows().stream().allMatch(row -> "Fires always".equals(row.get(6))));
        }
    }

    @Test
    void aRareValueIsCountedAndListedNewestFirst() {
        try (Database db = Database.openReadOnly(dataDir)) {
            CorrelationQueries.Found found = new CorrelationQueries(db).find(Indicator.IOC, "rare", 100);

            assertEquals(OptionalLong.of(SAMPLES / 1000), found.matching());
            assertEquals(IntStream.iterate(SAMPLES / 1000, k -> k >= 1, k -> k - 1).mapToObj(k -> id(k * 1000)).toList(),
                    found.samples().rows().stream().map(row -> row.get(0)).toList());
            assertEquals("rare", found.samples().rows().get(0).get(6), "without a title the IOC's name");
        }
    }
}
