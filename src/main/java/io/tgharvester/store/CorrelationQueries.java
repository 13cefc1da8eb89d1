package io.tgharvester.store;

import io.tgharvester.correlate.Indicator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The lookups behind {@code find} and {@code related}, on the correlation tables. Every lookup goes through an index
 * of V4 ({@code domains_domain}, {@code network_flows_dst_ip}, {@code artifact_hashes_sha256}, {@code iocs_ioc}, or
 * the sample's own rows), except a URL pattern, which has to scan {@code urls}.
 */
public final class CorrelationQueries {
    /** What two samples can share, each with the one query that lists a sample's values of it. */
    public enum Shared {
        DOMAIN("SELECT DISTINCT domain FROM domains WHERE sample_id = ?1",
                "SELECT DISTINCT sample_id FROM domains WHERE domain = ?1 AND sample_id <> ?2 LIMIT ?3"),
        // Destination only: the sandbox VM's own address is every sample's source.
        IP("SELECT DISTINCT dst_ip FROM network_flows WHERE sample_id = ?1 AND dst_ip IS NOT NULL",
                "SELECT DISTINCT sample_id FROM network_flows WHERE dst_ip = ?1 AND sample_id <> ?2 LIMIT ?3"),
        // Files the analysis saw, and the submitted file itself (known even before its analysis is parsed).
        SHA256("""
                SELECT sha256 FROM artifact_hashes WHERE sample_id = ?1 AND sha256 IS NOT NULL
                UNION SELECT sha256 FROM samples WHERE id = ?1 AND sha256 IS NOT NULL""", """
                SELECT sample_id FROM artifact_hashes WHERE sha256 = ?1 AND sample_id <> ?2
                UNION SELECT id FROM samples WHERE sha256 = ?1 AND id <> ?2
                LIMIT ?3"""),
        IOC("SELECT DISTINCT ioc FROM iocs WHERE sample_id = ?1",
                "SELECT DISTINCT sample_id FROM iocs WHERE ioc = ?1 AND sample_id <> ?2 LIMIT ?3");

        private final String valuesOfSample;
        private final String samplesWithValue;

        Shared(String valuesOfSample, String samplesWithValue) {
            this.valuesOfSample = valuesOfSample;
            this.samplesWithValue = samplesWithValue;
        }
    }

    /** The columns every listing of samples starts with. */
    private static final String SAMPLE_COLUMNS = """
            TRIM(s.id) AS sample_id, s.submitted_at, s.login, s.state, s.filename, a.threat_score""";

    private final Database db;

    public CorrelationQueries(Database db) {
        this.db = db;
    }

    /**
     * Samples showing {@code value} (already in its stored form, see {@link Indicator#normalize}), newest submission
     * first, at most {@code limit}; {@code matched} says what matched (the URL, the IOC's title, the file's path).
     */
    public QueryResult find(Indicator indicator, String value, int limit) {
        String sql = """
                SELECT %s, m.matched
                FROM (%s) m
                JOIN samples s ON s.id = m.sample_id
                LEFT JOIN analysis a ON a.sample_id = s.id
                ORDER BY s.submitted_at DESC NULLS LAST, s.id
                LIMIT ?2""".formatted(SAMPLE_COLUMNS, matches(indicator));
        return db.withConnection("cannot search the correlation tables", conn -> {
            try (PreparedStatement st = conn.prepareStatement(sql)) {
                st.setString(1, value);
                st.setInt(2, limit);
                return Queries.result(st);
            }
        });
    }

    /** How many samples show {@code value}, however many {@link #find} lists. */
    public long count(Indicator indicator, String value) {
        return db.withConnection("cannot search the correlation tables", conn -> {
            try (PreparedStatement st = conn.prepareStatement("SELECT COUNT(*) FROM (" + matches(indicator) + ") m")) {
                st.setString(1, value);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** One row per sample: its id and a description of what matched; the value is parameter 1. */
    private static String matches(Indicator indicator) {
        return switch (indicator) {
            case DOMAIN -> "SELECT sample_id, MIN(domain) AS matched FROM domains WHERE domain = ?1 GROUP BY sample_id";
            case IP -> """
                    SELECT sample_id, MIN(matched) AS matched FROM (
                        SELECT sample_id, 'to ' || dst_ip || COALESCE(':' || dst_port, '') AS matched
                        FROM network_flows WHERE dst_ip = ?1
                        UNION ALL
                        SELECT sample_id, 'from ' || src_ip AS matched FROM network_flows WHERE src_ip = ?1)
                    GROUP BY sample_id""";
            case SHA256 -> """
                    SELECT sample_id, MIN(matched) AS matched FROM (
                        SELECT sample_id, COALESCE(relation, 'artifact') || COALESCE(' ' || path, '') AS matched
                        FROM artifact_hashes WHERE sha256 = ?1
                        UNION ALL
                        SELECT id AS sample_id, 'submitted file' AS matched FROM samples WHERE sha256 = ?1)
                    GROUP BY sample_id""";
            case IOC -> "SELECT sample_id, MIN(COALESCE(title, ioc)) AS matched FROM iocs WHERE ioc = ?1 GROUP BY sample_id";
            case URL_LIKE -> "SELECT sample_id, MIN(url) AS matched FROM urls WHERE url LIKE ?1 GROUP BY sample_id";
        };
    }

    /** Whether the parse stage has filled the correlation tables with anything yet. */
    public boolean anyAnalysisParsed() {
        return db.withConnection("cannot read the analysis table", conn -> {
            try (PreparedStatement st = conn.prepareStatement("SELECT 1 FROM analysis LIMIT 1");
                 ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        });
    }

    /** Whether the sample is in the database at all. */
    public boolean sampleExists(String sampleId) {
        return db.withConnection("cannot read samples", conn -> {
            try (PreparedStatement st = conn.prepareStatement("SELECT 1 FROM samples WHERE id = ?")) {
                st.setString(1, sampleId);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** The distinct values of one kind a sample has. */
    public List<String> valuesOf(String sampleId, Shared kind) {
        return db.withConnection("cannot read the sample's analysis", conn -> strings(conn, kind.valuesOfSample,
                sampleId));
    }

    /**
     * Other samples having {@code value}, at most {@code atMost} of them: a caller asking for one more than it will
     * use learns that a value is too common to relate samples by, without counting all of its samples.
     */
    public List<String> samplesWith(Shared kind, String value, String exceptSampleId, int atMost) {
        return db.withConnection("cannot search the correlation tables", conn -> {
            try (PreparedStatement st = conn.prepareStatement(kind.samplesWithValue)) {
                st.setString(1, value);
                st.setString(2, exceptSampleId);
                st.setInt(3, atMost);
                return read(st);
            }
        });
    }

    /** The listing columns of the given samples, in no particular order. */
    public QueryResult samples(Set<String> sampleIds) {
        return db.withConnection("cannot read samples", conn -> {
            try (PreparedStatement st = conn.prepareStatement("""
                    SELECT %s
                    FROM samples s LEFT JOIN analysis a ON a.sample_id = s.id
                    WHERE s.id = ANY(?)""".formatted(SAMPLE_COLUMNS))) {
                st.setObject(1, sampleIds.toArray(String[]::new));
                return Queries.result(st);
            }
        });
    }

    private static List<String> strings(Connection conn, String sql, String parameter) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement(sql)) {
            st.setString(1, parameter);
            return read(st);
        }
    }

    private static List<String> read(PreparedStatement st) throws SQLException {
        Set<String> values = new LinkedHashSet<>();
        try (ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                values.add(rs.getString(1).strip());
            }
        }
        return new ArrayList<>(values);
    }
}
