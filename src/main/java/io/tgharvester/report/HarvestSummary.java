package io.tgharvester.report;

import io.tgharvester.api.States;
import io.tgharvester.store.Queries;
import io.tgharvester.store.QueryResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Samples by state and artifacts by status, as one line for progress output and closing summaries. */
public record HarvestSummary(Map<String, Long> samplesByState, Map<String, Long> artifactsByStatus, long bytes) {

    public static HarvestSummary of(Queries queries) {
        return of(queries, Optional.empty());
    }

    /** The summary of one connection's samples, or of all. */
    public static HarvestSummary of(Queries queries, Optional<String> connection) {
        Map<String, Long> states = new LinkedHashMap<>();
        for (List<Object> row : queries.samplesByState(connection).rows()) {
            states.put((String) row.get(0), ((Number) row.get(1)).longValue());
        }
        Map<String, Long> artifacts = new LinkedHashMap<>();
        long bytes = 0;
        QueryResult byStatus = queries.artifactsByStatus(connection);
        for (List<Object> row : byStatus.rows()) {
            artifacts.put((String) row.get(0), ((Number) row.get(1)).longValue());
            bytes += ((Number) row.get(2)).longValue();
        }
        return new HarvestSummary(Map.copyOf(states), Map.copyOf(artifacts), bytes);
    }

    public long samples() {
        return samplesByState.values().stream().mapToLong(Long::longValue).sum();
    }

    public long artifacts(String status) {
        return artifactsByStatus.getOrDefault(status, 0L);
    }

    /** Every sample in a final state and no download waiting or failed. */
    public boolean complete() {
        boolean allFinal = samplesByState.keySet().stream().allMatch(States::isFinal);
        return allFinal && artifacts("pending") == 0 && artifacts("failed") == 0;
    }

    public String line() {
        StringBuilder states = new StringBuilder();
        samplesByState.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> states.append(states.isEmpty() ? "" : ", ").append(e.getKey()).append(' ')
                        .append(e.getValue()));
        return String.format(Locale.ROOT,
                "samples %d (%s) | artifacts done %d, absent %d, failed %d, pending %d | %s",
                samples(), states.isEmpty() ? "none" : states, artifacts("done"), artifacts("absent"),
                artifacts("failed"), artifacts("pending"), bytes(bytes));
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
    }
}
