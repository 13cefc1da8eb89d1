package io.tgharvester.store;

import io.tgharvester.store.ReportQueries.ThreatStats;
import io.tgharvester.store.ReportQueries.UserRow;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One login's numbers, or the organization's, as they add up from per-login counts: how many samples in each
 * outcome, the first and last submission, and how many samples took each time to result and have each threat score.
 * From those it works out the report's figures exactly as the {@code user_stats} view does.
 */
final class UserTally {
    private static final BigDecimal MEDIAN = new BigDecimal("0.5");
    private static final BigDecimal P95 = new BigDecimal("0.95");

    private long submissions;
    private long succeeded;
    private long failed;
    private long stale;
    private Optional<Instant> first = Optional.empty();
    private Optional<Instant> last = Optional.empty();
    private final NavigableMap<Long, Long> resultTimes = new TreeMap<>();
    private final NavigableMap<Long, Long> threatScores = new TreeMap<>();

    void addCounts(long submissions, long succeeded, long failed, long stale, Optional<Instant> first,
                   Optional<Instant> last) {
        this.submissions += submissions;
        this.succeeded += succeeded;
        this.failed += failed;
        this.stale += stale;
        this.first = earlier(this.first, first);
        this.last = later(this.last, last);
    }

    void addResultTime(long seconds, long samples) {
        resultTimes.merge(seconds, samples, Long::sum);
    }

    void addThreatScore(long score, long samples) {
        threatScores.merge(score, samples, Long::sum);
    }

    void addAll(UserTally other) {
        addCounts(other.submissions, other.succeeded, other.failed, other.stale, other.first, other.last);
        other.resultTimes.forEach(this::addResultTime);
        other.threatScores.forEach(this::addThreatScore);
    }

    /** The report's row; threat stats only when {@code threat} (once any analysis has been parsed). */
    UserRow row(Optional<String> login, boolean threat) {
        long timed = total(resultTimes);
        Optional<ThreatStats> threatStats = threat ? Optional.of(new ThreatStats(mean(threatScores),
                threatScores.isEmpty() ? Optional.empty() : Optional.of((double) threatScores.lastKey()),
                total(threatScores.tailMap((long) ReportQueries.HIGH_THREAT_SCORE, true))))
                : Optional.empty();
        return new UserRow(login, submissions, succeeded, failed, submissions - succeeded - failed - stale, stale,
                first, last, mean(resultTimes), percentile(resultTimes, timed, MEDIAN),
                percentile(resultTimes, timed, P95), threatStats);
    }

    /** The exact sum over the count, rounded once to a double, as the view divides them. */
    private static Optional<Double> mean(NavigableMap<Long, Long> counts) {
        long n = total(counts);
        long sum = counts.entrySet().stream().mapToLong(e -> e.getKey() * e.getValue()).sum();
        return n == 0 ? Optional.empty() : Optional.of((double) sum / n);
    }

    /**
     * PERCENTILE_CONT: the values at ranks floor and ceiling of {@code fraction * (n - 1)} (from 0) in ascending order,
     * interpolated linearly, in exact decimals until the result is rounded to a double.
     */
    private static Optional<Double> percentile(NavigableMap<Long, Long> counts, long n, BigDecimal fraction) {
        if (n == 0) {
            return Optional.empty();
        }
        BigDecimal rank = fraction.multiply(BigDecimal.valueOf(n - 1));
        BigDecimal below = rank.setScale(0, RoundingMode.FLOOR);
        long lower = valueAtRank(counts, below.longValueExact());
        long upper = valueAtRank(counts, rank.setScale(0, RoundingMode.CEILING).longValueExact());
        return Optional.of(BigDecimal.valueOf(lower)
                .add(BigDecimal.valueOf(upper - lower).multiply(rank.subtract(below))).doubleValue());
    }

    private static long valueAtRank(NavigableMap<Long, Long> counts, long rank) {
        long upTo = 0;
        for (Map.Entry<Long, Long> entry : counts.entrySet()) {
            upTo += entry.getValue();
            if (upTo > rank) {
                return entry.getKey();
            }
        }
        throw new IllegalArgumentException("rank " + rank + " beyond the " + upTo + " values counted");
    }

    private static long total(Map<Long, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    private static Optional<Instant> earlier(Optional<Instant> a, Optional<Instant> b) {
        return a.isEmpty() || b.isPresent() && b.get().isBefore(a.get()) ? b : a;
    }

    private static Optional<Instant> later(Optional<Instant> a, Optional<Instant> b) {
        return a.isEmpty() || b.isPresent() && b.get().isAfter(a.get()) ? b : a;
    }
}
