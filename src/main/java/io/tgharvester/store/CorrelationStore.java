package io.tgharvester.store;

import io.tgharvester.correlate.CorrelationRows.ArtifactHash;
import io.tgharvester.correlate.CorrelationRows.Domain;
import io.tgharvester.correlate.CorrelationRows.Ioc;
import io.tgharvester.correlate.CorrelationRows.NetworkFlow;
import io.tgharvester.correlate.CorrelationRows.Process;
import io.tgharvester.correlate.CorrelationRows.RegistryKey;
import io.tgharvester.correlate.CorrelationRows.Summary;
import io.tgharvester.correlate.CorrelationRows.Url;
import io.tgharvester.correlate.CorrelationSink;
import io.tgharvester.correlate.MalformedAnalysis;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Writes the correlation tables of one sample. A sample's rows are replaced in one transaction (delete, then batched
 * inserts as the parser emits them), so a reparse is idempotent and a parse that fails or crashes leaves the old rows.
 */
public final class CorrelationStore {
    private static final int BATCH_SIZE = 500;
    private static final List<String> TABLES = List.of("iocs", "network_flows", "domains", "urls", "artifact_hashes",
            "processes", "registry_keys", "analysis");

    private final Database db;

    public CorrelationStore(Database db) {
        this.db = db;
    }

    /** Where a sample's rows come from: a parse that writes them to the sink it is given. */
    @FunctionalInterface
    public interface RowSource {
        void writeTo(CorrelationSink sink) throws IOException, MalformedAnalysis;
    }

    /**
     * Replaces all correlation rows of {@code sampleId} with the rows {@code source} writes. If the source throws, the
     * transaction is rolled back and its exception passed on.
     */
    public void replace(String sampleId, Instant parsedAt, RowSource source) throws IOException, MalformedAnalysis {
        try {
            db.inTransaction("cannot store the correlation rows of " + sampleId, conn -> {
                for (String table : TABLES) {
                    try (PreparedStatement st = conn.prepareStatement(
                            "DELETE FROM " + table + " WHERE sample_id = ?")) {
                        st.setString(1, sampleId);
                        st.executeUpdate();
                    }
                }
                try (BatchSink sink = new BatchSink(conn, sampleId, parsedAt)) {
                    source.writeTo(sink);
                    sink.flush();
                } catch (InsertFailed e) {
                    throw e.sqlCause;
                } catch (SQLException | RuntimeException e) {
                    throw e;
                } catch (IOException | MalformedAnalysis e) {
                    throw new SourceFailed(e);
                }
                return null;
            });
        } catch (SourceFailed e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw (MalformedAnalysis) e.getCause();
        }
    }

    /** Carries the source's own exception through the transaction, which rolls back on runtime exceptions. */
    private static final class SourceFailed extends RuntimeException {
        SourceFailed(Exception cause) {
            super(cause);
        }
    }

    /** An SQL failure inside a sink call, whose interface cannot throw SQLException. */
    private static final class InsertFailed extends RuntimeException {
        private final SQLException sqlCause;

        InsertFailed(SQLException cause) {
            super(cause);
            this.sqlCause = cause;
        }
    }

    /** One prepared insert per table, sent to the database every {@link #BATCH_SIZE} rows. */
    private static final class BatchSink implements CorrelationSink, AutoCloseable {
        private final String sampleId;
        private final Instant parsedAt;
        private final Batch analysis;
        private final Batch iocs;
        private final Batch flows;
        private final Batch domains;
        private final Batch urls;
        private final Batch hashes;
        private final Batch processes;
        private final Batch registry;
        private final List<Batch> all;

        BatchSink(Connection conn, String sampleId, Instant parsedAt) throws SQLException {
            this.sampleId = sampleId;
            this.parsedAt = parsedAt;
            analysis = new Batch(conn, """
                    INSERT INTO analysis (sample_id, threat_score, heuristic_score, max_severity, vm, analysis_start,
                        analysis_end, duration_seconds, file_type, magic_type, behaviour_count, parsed_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""");
            iocs = new Batch(conn, """
                    INSERT INTO iocs (sample_id, ioc, title, category, tags, severity, confidence, hits)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)""");
            flows = new Batch(conn, """
                    INSERT INTO network_flows (sample_id, src_ip, src_port, dst_ip, dst_port, transport, protocol,
                        bytes_orig, bytes_resp, started_at, ended_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""");
            domains = new Batch(conn, "INSERT INTO domains (sample_id, domain, resolved_ips) VALUES (?, ?, ?)");
            urls = new Batch(conn, "INSERT INTO urls (sample_id, url, method, host, status) VALUES (?, ?, ?, ?, ?)");
            hashes = new Batch(conn, """
                    INSERT INTO artifact_hashes (sample_id, path, sha256, md5, sha1, size, magic_type, relation, origin)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""");
            processes = new Batch(conn, """
                    INSERT INTO processes (sample_id, process_key, pid, ppid, name, image, command_line,
                        analyzed_because, started_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""");
            registry = new Batch(conn,
                    "INSERT INTO registry_keys (sample_id, pid, key_path, operation) VALUES (?, ?, ?, ?)");
            all = List.of(analysis, iocs, flows, domains, urls, hashes, processes, registry);
        }

        @Override
        public void summary(Summary s) {
            analysis.add(sampleId, s.threatScore(), s.heuristicScore(), s.maxSeverity(), text(s.vm(), 255),
                    s.analysisStart(), s.analysisEnd(), s.durationSeconds(), text(s.fileType(), 255),
                    text(s.magicType(), 1024), s.behaviourCount(), parsedAt);
        }

        @Override
        public void ioc(Ioc i) {
            iocs.add(sampleId, clip(i.ioc(), 255), text(i.title(), 1024), text(i.category(), 1024),
                    text(i.tags(), 1024), i.severity(), i.confidence(), i.hits());
        }

        @Override
        public void flow(NetworkFlow f) {
            flows.add(sampleId, text(f.srcIp(), 45), f.srcPort(), text(f.dstIp(), 45), f.dstPort(),
                    text(f.transport(), 16), text(f.protocol(), 64), f.bytesOrig(), f.bytesResp(), f.startedAt(),
                    f.endedAt());
        }

        @Override
        public void domain(Domain d) {
            domains.add(sampleId, clip(d.domain(), 255), text(d.resolvedIps(), 4096));
        }

        @Override
        public void url(Url u) {
            urls.add(sampleId, clip(u.url(), 8192), text(u.method(), 16), text(u.host(), 255), u.status());
        }

        @Override
        public void artifactHash(ArtifactHash h) {
            hashes.add(sampleId, text(h.path(), 4096), text(h.sha256(), 64), text(h.md5(), 32), text(h.sha1(), 40),
                    h.size(), text(h.magicType(), 1024), text(h.relation(), 4096), text(h.origin(), 64));
        }

        @Override
        public void process(Process p) {
            processes.add(sampleId, clip(p.processKey(), 32), p.pid(), p.ppid(), text(p.name(), 1024),
                    text(p.image(), 4096), text(p.commandLine(), 32768), text(p.analyzedBecause(), 255),
                    p.startedAt());
        }

        @Override
        public void registryKey(RegistryKey r) {
            registry.add(sampleId, r.pid(), clip(r.keyPath(), 4096), clip(r.operation(), 32));
        }

        void flush() throws SQLException {
            for (Batch batch : all) {
                batch.flush();
            }
        }

        @Override
        public void close() throws SQLException {
            for (Batch batch : all) {
                batch.statement.close();
            }
        }

        /** Report values longer than their column are cut to fit, so one long command line cannot lose a sample. */
        private static String clip(String value, int width) {
            return value.length() > width ? value.substring(0, width) : value;
        }

        private static Optional<String> text(Optional<String> value, int width) {
            return value.map(v -> clip(v, width));
        }
    }

    /** A prepared insert and the rows waiting in its batch. */
    private static final class Batch {
        private final PreparedStatement statement;
        private int pending;

        Batch(Connection conn, String sql) throws SQLException {
            statement = conn.prepareStatement(sql);
        }

        void add(Object... values) {
            try {
                for (int i = 0; i < values.length; i++) {
                    bind(i + 1, values[i]);
                }
                statement.addBatch();
                if (++pending >= BATCH_SIZE) {
                    flush();
                }
            } catch (SQLException e) {
                throw new InsertFailed(e);
            }
        }

        void flush() throws SQLException {
            if (pending > 0) {
                statement.executeBatch();
                pending = 0;
            }
        }

        private void bind(int index, Object value) throws SQLException {
            Object v = value instanceof Optional<?> optional ? optional.orElse(null) : value;
            if (v instanceof Instant instant) {
                Jdbc.setTime(statement, index, instant);
            } else if (v == null) {
                statement.setNull(index, Types.NULL);
            } else {
                statement.setObject(index, v);
            }
        }
    }
}
