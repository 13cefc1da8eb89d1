package io.tgharvester.correlate;

import io.tgharvester.store.CorrelationQueries;
import io.tgharvester.store.CorrelationQueries.Shared;
import io.tgharvester.store.QueryResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The samples that share domains, contacted IPs, file hashes or IOCs with one sample, ranked by how many values they
 * share, then by how rare those values are. A value seen in more than {@code commonAbove} other samples (a public DNS
 * resolver, an IOC nearly every sample fires) relates nothing and is left out; the answer lists what was left out.
 */
public final class RelatedSamples {
    public static final int DEFAULT_COMMON_ABOVE = 1_000;
    private static final int EXAMPLES = 3;

    private static final List<String> COLUMNS = List.of("sample_id", "submitted_at", "login", "state", "filename",
            "threat_score", "shared", "domains", "ips", "hashes", "iocs", "examples");

    /** The ranked table, and the values of the sample that were too common to count. */
    public record Answer(QueryResult related, List<String> tooCommon) {
    }

    private RelatedSamples() {
    }

    public static Answer of(CorrelationQueries queries, String sampleId, int limit, int commonAbove) {
        return of(queries, sampleId, limit, commonAbove, Optional.empty());
    }

    /**
     * As {@link #of(CorrelationQueries, String, int, int)}, listing only samples of {@code connection} when it is
     * given; how common a value is still counts every connection's samples.
     */
    public static Answer of(CorrelationQueries queries, String sampleId, int limit, int commonAbove,
                            Optional<String> connection) {
        Map<String, Tally> tallies = new HashMap<>();
        List<String> tooCommon = new ArrayList<>();
        for (Shared kind : Shared.values()) {
            for (String value : queries.valuesOf(sampleId, kind)) {
                List<String> others = queries.samplesWith(kind, value, sampleId, commonAbove + 1);
                if (others.size() > commonAbove) {
                    tooCommon.add(label(kind, value));
                    continue;
                }
                for (String other : others) {
                    tallies.computeIfAbsent(other, id -> new Tally()).add(kind, value, others.size());
                }
            }
        }
        connection.ifPresent(only -> tallies.keySet().retainAll(queries.inConnection(tallies.keySet(), only)));
        List<Map.Entry<String, Tally>> ranked = tallies.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, Tally>>comparingInt(e -> -e.getValue().shared())
                        .thenComparingDouble(e -> -e.getValue().rarity)
                        .thenComparing(Map.Entry::getKey))
                .limit(limit)
                .toList();
        return new Answer(table(queries, ranked), List.copyOf(tooCommon));
    }

    private static QueryResult table(CorrelationQueries queries, List<Map.Entry<String, Tally>> ranked) {
        if (ranked.isEmpty()) {
            return new QueryResult(COLUMNS, List.of());
        }
        QueryResult details = queries.samples(ranked.stream().map(Map.Entry::getKey)
                .collect(Collectors.toCollection(LinkedHashSet::new)));
        Map<Object, List<Object>> byId = details.rows().stream()
                .collect(Collectors.toMap(row -> row.get(0), row -> row));
        List<List<Object>> rows = new ArrayList<>();
        for (Map.Entry<String, Tally> entry : ranked) {
            Tally tally = entry.getValue();
            List<Object> row = new ArrayList<>(byId.get(entry.getKey()));
            row.add(tally.shared());
            for (Shared kind : Shared.values()) {
                row.add(tally.counts.getOrDefault(kind, 0));
            }
            row.add(tally.examples());
            rows.add(row);
        }
        return new QueryResult(COLUMNS, rows);
    }

    private static String label(Shared kind, String value) {
        return kind.name().toLowerCase(Locale.ROOT) + " " + value;
    }

    /** What one other sample shares with the sample asked about. */
    private static final class Tally {
        private final Map<Shared, Integer> counts = new EnumMap<>(Shared.class);
        private final List<Example> examples = new ArrayList<>();
        private double rarity;

        void add(Shared kind, String value, int samplesWithValue) {
            counts.merge(kind, 1, Integer::sum);
            examples.add(new Example(label(kind, value), samplesWithValue));
            rarity += 1.0 / samplesWithValue;
        }

        int shared() {
            return examples.size();
        }

        /** The rarest shared values first: they say most about why two samples belong together. */
        String examples() {
            return examples.stream().sorted(Comparator.comparingInt(Example::samplesWithValue)
                            .thenComparing(Example::label))
                    .limit(EXAMPLES).map(Example::label).collect(Collectors.joining(", "));
        }
    }

    private record Example(String label, int samplesWithValue) {
    }
}
