package io.tgharvester.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tgharvester.TgJson;
import io.tgharvester.api.Sample;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserStatsViewTest {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    @TempDir
    Path dataDir;

    private static Sample sample(int n, String login, String state, long submittedOffset, Long secondsToResult) {
        Instant submitted = T0.plusSeconds(submittedOffset);
        return new Sample(TgJson.id(n), state, Optional.empty(), Optional.empty(), Optional.ofNullable(login),
                Optional.empty(), Optional.empty(), Optional.of(submitted), Optional.empty(),
                Optional.ofNullable(secondsToResult).map(submitted::plusSeconds), Optional.empty(),
                Optional.empty(), Optional.empty(), List.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    private static OffsetDateTime at(long offset) {
        return T0.plusSeconds(offset).atOffset(ZoneOffset.UTC);
    }

    @Test
    void countsAndTimesToResultPerLoginWithNullLoginAsItsOwnRow() {
        List<Sample> samples = new ArrayList<>();
        // alice: 4 successes taking 100, 200, 300, 1000 s, one failure, one still running
        samples.add(sample(1, "alice", "succ", 0, 100L));
        samples.add(sample(2, "alice", "succ", 10, 200L));
        samples.add(sample(3, "alice", "succ", 20, 300L));
        samples.add(sample(4, "alice", "succ", 30, 1000L));
        samples.add(sample(5, "alice", "fail", 40, 50L));
        samples.add(sample(6, "alice", "run", 50, null));
        // bob: only failures
        samples.add(sample(7, "bob", "fail", 5, 60L));
        // no login
        samples.add(sample(8, null, "wait", 7, null));

        try (Database db = Database.open(dataDir)) {
            new SampleStore(db, List.of("analysis.json")).storePage(samples, T0.plusSeconds(5000));
            List<List<Object>> rows = new Queries(db).userStats().rows();

            // p95 by linear interpolation over 100, 200, 300, 1000: 300 + 0.85 * 700 = 895
            assertEquals(List.of(
                    Arrays.asList("alice", 6L, 4L, 1L, 1L, 0L, at(0), at(50), 400.0, 895.0),
                    Arrays.asList("bob", 1L, 0L, 1L, 0L, 0L, at(5), at(5), null, null),
                    Arrays.asList(null, 1L, 0L, 0L, 1L, 0L, at(7), at(7), null, null)),
                    rows.stream().map(r -> r.stream().map(UserStatsViewTest::normalize).toList()).toList());
        }
    }

    private static Object normalize(Object value) {
        if (value instanceof Number n && !(value instanceof Double)) {
            return n.longValue();
        }
        if (value instanceof Double d) {
            return d;
        }
        return value;
    }
}
