package io.tgharvester.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The reads behind the console's sample list and sample page: a searched, sorted page of samples, and one sample. */
public final class SampleQueries {
    /** What a search keeps; an empty field keeps every sample. Text fields are matched as documented per field. */
    public record Filter(Optional<String> login, Optional<String> state, Optional<String> filename,
                         Optional<String> sha256, Optional<String> tag, Optional<Instant> from,
                         Optional<Instant> to) {
        public static final Filter ALL = new Filter(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The columns a page can be sorted by; the SQL of each is a constant, never input. */
    public enum Order {
        SUBMITTED_AT("s.submitted_at"), LOGIN("s.login"), STATE("s.state"), FILENAME("s.filename"),
        THREAT_SCORE("a.threat_score");

        private final String column;

        Order(String column) {
            this.column = column;
        }
    }

    /** One page of a search, and how many samples match in all. */
    public record Page(QueryResult samples, long matching) {
    }

    /** What the sample page shows beside the sample's own row, each with its one query. */
    public enum Section {
        STATE_CHANGES("SELECT from_state, to_state, observed_at FROM state_changes WHERE sample_id = ?"
                + " ORDER BY observed_at, to_state"),
        ARTIFACTS("SELECT name, status, bytes, sha256, fetched_at, attempts, last_error, next_attempt_at"
                + " FROM artifacts WHERE sample_id = ? ORDER BY name"),
        ANALYSIS("SELECT threat_score, heuristic_score, max_severity, behaviour_count, file_type, magic_type, vm,"
                + " analysis_start, analysis_end, duration_seconds, parsed_at FROM analysis WHERE sample_id = ?"),
        IOCS("SELECT ioc, title, severity, confidence, hits, category, tags FROM iocs WHERE sample_id = ?"
                + " ORDER BY severity DESC NULLS LAST, ioc"),
        DOMAINS("SELECT domain, resolved_ips FROM domains WHERE sample_id = ? ORDER BY domain"),
        URLS("SELECT url, method, host, status FROM urls WHERE sample_id = ? ORDER BY url, method"),
        NETWORK_FLOWS("SELECT src_ip, src_port, dst_ip, dst_port, transport, protocol, bytes_orig, bytes_resp,"
                + " started_at, ended_at FROM network_flows WHERE sample_id = ?"
                + " ORDER BY started_at NULLS LAST, dst_ip, dst_port"),
        PROCESSES("SELECT pid, ppid, name, command_line, analyzed_because, started_at FROM processes"
                + " WHERE sample_id = ? ORDER BY started_at NULLS LAST, pid"),
        FILES("SELECT path, sha256, size, magic_type, origin FROM artifact_hashes WHERE sample_id = ?"
                + " ORDER BY path, sha256");

        private final String sql;

        Section(String sql) {
            this.sql = sql;
        }
    }

    private static final String LISTING = """
            SELECT TRIM(s.id) AS sample_id, s.submitted_at, s.login, s.state, s.filename, a.threat_score, s.tags
            FROM samples s LEFT JOIN analysis a ON a.sample_id = s.id""";

    private final Database db;

    public SampleQueries(Database db) {
        this.db = db;
    }

    /**
     * The samples {@code filter} keeps, sorted by {@code order} (samples without a value last, then by id, so pages
     * never overlap), {@code limit} of them from {@code offset}. Login and state match exactly; filename anywhere in
     * the name, in any case; sha256 from its start; a tag exactly, in any case.
     */
    public Page search(Filter filter, Order order, boolean descending, int offset, int limit) {
        List<String> conditions = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        filter.login().ifPresent(login -> add(conditions, values, "s.login = ?", login));
        filter.state().ifPresent(state -> add(conditions, values, "s.state = ?", state));
        filter.filename().ifPresent(name -> add(conditions, values, "LOWER(s.filename) LIKE ? ESCAPE '\\'",
                "%" + literal(name.toLowerCase(Locale.ROOT)) + "%"));
        filter.sha256().ifPresent(hash -> add(conditions, values, "s.sha256 LIKE ? ESCAPE '\\'",
                literal(hash.toLowerCase(Locale.ROOT)) + "%"));
        // Tags are stored as JSON array text: a tag matches as the JSON string it is stored as.
        filter.tag().ifPresent(tag -> add(conditions, values, "LOWER(s.tags) LIKE ? ESCAPE '\\'",
                "%" + literal(jsonString(tag.toLowerCase(Locale.ROOT))) + "%"));
        filter.from().ifPresent(from -> add(conditions, values, "s.submitted_at >= ?", from));
        filter.to().ifPresent(to -> add(conditions, values, "s.submitted_at < ?", to));
        String where = conditions.isEmpty() ? "" : "\nWHERE " + String.join(" AND ", conditions);
        return db.withConnection("cannot search samples", conn -> {
            long matching;
            try (PreparedStatement st = conn.prepareStatement("SELECT COUNT(*) FROM samples s" + where)) {
                bind(st, values);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    matching = rs.getLong(1);
                }
            }
            try (PreparedStatement st = conn.prepareStatement(LISTING + where + "\nORDER BY " + order.column
                    + (descending ? " DESC" : " ASC") + " NULLS LAST, s.id LIMIT ? OFFSET ?")) {
                int next = bind(st, values);
                st.setInt(next, limit);
                st.setInt(next + 1, offset);
                return new Page(Queries.result(st), matching);
            }
        });
    }

    /** The sample's own row: every column of {@code samples}; empty when there is no such sample. */
    public Optional<QueryResult> sample(String sampleId) {
        QueryResult row = query("SELECT TRIM(id) AS id, filename, login, state, status, submitted_at, started_at,"
                + " completed_at, finished_at, first_seen_at, last_checked_at, sha256, md5, sha1, tags, vm, os,"
                + " playbook, is_private, organization_id, submission_id FROM samples WHERE id = ?", sampleId,
                Optional.empty());
        return row.rows().isEmpty() ? Optional.empty() : Optional.of(row);
    }

    /** At most {@code limit} rows of one section of the sample. */
    public QueryResult section(Section section, String sampleId, int limit) {
        return query(section.sql, sampleId, Optional.of(limit));
    }

    /**
     * The stored path (relative to the data dir) of a downloaded artifact of the sample, or empty when the sample
     * has no such artifact or it is not {@code done}.
     */
    public Optional<String> downloadedArtifactPath(String sampleId, String name) {
        return db.withConnection("cannot read artifacts", conn -> {
            try (PreparedStatement st = conn.prepareStatement(
                    "SELECT path FROM artifacts WHERE sample_id = ? AND name = ? AND status = 'done'")) {
                st.setString(1, sampleId);
                st.setString(2, name);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    private QueryResult query(String sql, String sampleId, Optional<Integer> limit) {
        return db.withConnection("cannot read the sample", conn -> {
            try (PreparedStatement st = conn.prepareStatement(sql + (limit.isPresent() ? " LIMIT ?" : ""))) {
                st.setString(1, sampleId);
                if (limit.isPresent()) {
                    st.setInt(2, limit.get());
                }
                return Queries.result(st);
            }
        });
    }

    private static void add(List<String> conditions, List<Object> values, String condition, Object value) {
        conditions.add(condition);
        values.add(value);
    }

    private static int bind(PreparedStatement st, List<Object> values) throws SQLException {
        int index = 1;
        for (Object value : values) {
            if (value instanceof Instant instant) {
                Jdbc.setTime(st, index++, instant);
            } else {
                st.setString(index++, (String) value);
            }
        }
        return index;
    }

    /** {@code text} matched literally by LIKE: its wildcards and the escape character escaped. */
    private static String literal(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /** A tag as it stands inside the stored JSON array, quotes included. */
    private static String jsonString(String tag) {
        String array = TagsJson.of(List.of(tag));
        return array.substring(1, array.length() - 1);
    }
}
