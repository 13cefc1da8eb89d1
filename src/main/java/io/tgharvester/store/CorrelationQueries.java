package io.tgharvester.store;

import io.tgharvester.correlate.Indicator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
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

        private final NumberedSql valuesOfSample;
        private final NumberedSql samplesWithValue;

        Shared(String valuesOfSample, String samplesWithValue) {
            this.valuesOfSample = NumberedSql.of(valuesOfSample);
            this.samplesWithValue = NumberedSql.of(samplesWithValue);
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
     * Up to this many matching rows, a value is looked up through its index and its samples sorted; beyond it,
     * samples are walked newest first and each is checked, which finds the newest ones of a common value (a public
     * resolver, an IOC most samples fire) without touching all of them.
     */
    static final int COMMON = 5_000;

    /** The newest samples matching a value, and how many match in all when that is cheap to know. */
    public record Found(QueryResult samples, OptionalLong matching) {
    }

    /**
     * Samples showing {@code value} (already in its stored form, see {@link Indicator#normalize}), newest submission
     * first, at most {@code limit}; {@code matched} says what matched (the URL, the IOC's title, the file's path).
     * The number of matching samples is counted when at most {@link #COMMON} rows match.
     */
    public Found find(Indicator indicator, String value, int limit) {
        return find(indicator, value, limit, Optional.empty());
    }

    /** As {@link #find(Indicator, String, int)}, among one connection's samples only when {@code connection} is given. */
    public Found find(Indicator indicator, String value, int limit, Optional<String> connection) {
        Lookup lookup = Lookup.of(indicator);
        return db.withConnection("cannot search the correlation tables", conn -> {
            // Each source probed on its own: a LIMIT over a UNION would build the whole union first.
            Set<String> ids = new LinkedHashSet<>();
            boolean common = false;
            for (String source : lookup.sources) {
                try (PreparedStatement st = NumberedSql.of(source + " LIMIT " + (COMMON + 1)).prepare(conn, value)) {
                    int rows = 0;
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getString(1).strip());
                            rows++;
                        }
                    }
                    common |= rows > COMMON;
                }
            }
            if (connection.isPresent() && !common) {
                ids.retainAll(inConnection(conn, ids, connection.get()));
            }
            NumberedSql sql = NumberedSql.of("""
                    SELECT %s, %s AS matched
                    FROM samples s LEFT JOIN analysis a ON a.sample_id = s.id
                    WHERE %s%s
                    ORDER BY s.submitted_at DESC NULLS LAST, s.id
                    LIMIT ?2""".formatted(SAMPLE_COLUMNS, lookup.matched, common ? lookup.exists : "s.id = ANY(?3)",
                    connection.isPresent() ? " AND s.connection = ?4" : ""));
            try (PreparedStatement st = sql.prepare(conn, value, limit, ids.toArray(String[]::new),
                    connection.orElse(null))) {
                return new Found(Queries.result(st), common ? OptionalLong.empty() : OptionalLong.of(ids.size()));
            }
        });
    }

    /**
     * One indicator's SQL, the value always parameter 1: each of {@code sources} lists a sample id per matching
     * row, {@code exists} tests sample {@code s}, {@code matched} describes what matched in sample {@code s}.
     */
    private record Lookup(List<String> sources, String exists, String matched) {
        static Lookup of(Indicator indicator) {
            return switch (indicator) {
                case DOMAIN -> new Lookup(List.of("SELECT sample_id FROM domains WHERE domain = ?1"),
                        "EXISTS (SELECT 1 FROM domains x WHERE x.domain = ?1 AND x.sample_id = s.id)",
                        "CAST(?1 AS VARCHAR)");
                case IP -> new Lookup(List.of("SELECT sample_id FROM network_flows WHERE dst_ip = ?1",
                        "SELECT sample_id FROM network_flows WHERE src_ip = ?1"), """
                        (EXISTS (SELECT 1 FROM network_flows x WHERE x.dst_ip = ?1 AND x.sample_id = s.id)
                         OR EXISTS (SELECT 1 FROM network_flows x WHERE x.src_ip = ?1 AND x.sample_id = s.id))""", """
                        (SELECT MIN(CASE WHEN x.dst_ip = ?1 THEN 'to ' || x.dst_ip || COALESCE(':' || x.dst_port, '')
                                         ELSE 'from ' || x.src_ip END)
                         FROM network_flows x WHERE x.sample_id = s.id AND (x.dst_ip = ?1 OR x.src_ip = ?1))""");
                case SHA256 -> new Lookup(List.of("SELECT sample_id FROM artifact_hashes WHERE sha256 = ?1",
                        "SELECT id FROM samples WHERE sha256 = ?1"), """
                        (s.sha256 = ?1
                         OR EXISTS (SELECT 1 FROM artifact_hashes x WHERE x.sha256 = ?1 AND x.sample_id = s.id))""", """
                        COALESCE((SELECT MIN(COALESCE(x.origin || ' ', '') || 'artifact' || COALESCE(' ' || x.path, ''))
                                  FROM artifact_hashes x WHERE x.sample_id = s.id AND x.sha256 = ?1),
                                 'submitted file')""");
                case IOC -> new Lookup(List.of("SELECT sample_id FROM iocs WHERE ioc = ?1"),
                        "EXISTS (SELECT 1 FROM iocs x WHERE x.ioc = ?1 AND x.sample_id = s.id)",
                        "(SELECT MIN(COALESCE(x.title, x.ioc)) FROM iocs x WHERE x.sample_id = s.id AND x.ioc = ?1)");
                case URL_LIKE -> new Lookup(List.of("SELECT sample_id FROM urls WHERE url LIKE ?1"),
                        "EXISTS (SELECT 1 FROM urls x WHERE x.sample_id = s.id AND x.url LIKE ?1)",
                        "(SELECT MIN(x.url) FROM urls x WHERE x.sample_id = s.id AND x.url LIKE ?1)");
            };
        }
    }

    /** Whether the parse stage has filled the correlation tables with anything yet. */
    public boolean anyAnalysisParsed() {
        return db.withConnection("cannot read the analysis table", Jdbc::anyAnalysisParsed);
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
        return db.withConnection("cannot read the sample's analysis", conn -> {
            try (PreparedStatement st = kind.valuesOfSample.prepare(conn, sampleId)) {
                return read(st);
            }
        });
    }

    /**
     * Other samples having {@code value}, at most {@code atMost} of them: a caller asking for one more than it will
     * use learns that a value is too common to relate samples by, without counting all of its samples.
     */
    public List<String> samplesWith(Shared kind, String value, String exceptSampleId, int atMost) {
        return db.withConnection("cannot search the correlation tables", conn -> {
            try (PreparedStatement st = kind.samplesWithValue.prepare(conn, value, exceptSampleId, atMost)) {
                return read(st);
            }
        });
    }

    /** Those of the given samples that belong to {@code connection}. */
    public Set<String> inConnection(Set<String> sampleIds, String connection) {
        return db.withConnection("cannot read samples", conn -> inConnection(conn, sampleIds, connection));
    }

    private static Set<String> inConnection(Connection conn, Set<String> sampleIds, String connection)
            throws SQLException {
        try (PreparedStatement st = conn.prepareStatement(
                "SELECT id FROM samples WHERE id = ANY(?) AND connection = ?")) {
            st.setObject(1, sampleIds.toArray(String[]::new));
            st.setString(2, connection);
            return new LinkedHashSet<>(read(st));
        }
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
