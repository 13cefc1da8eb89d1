package io.tgharvester.store;

import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Optional;

/**
 * What {@code status} shows of the nodes sharing a PostgreSQL database: each node's Quartz scheduler as it checks in
 * (quartz.qrtz_scheduler_state), and the download claims each holds (V15).
 */
public final class ClusterQueries {
    /** The Quartz scheduler name every node of the cluster shares; each node is an instance of it, by its node id. */
    public static final String SCHEDULER = "tg-harvester";

    /**
     * Quartz deems a node failed once it has been silent for its check-in interval plus 7.5 s, as each other node sees
     * at its own check-in, one interval later: by two intervals plus 7.5 s another node is taking its work over.
     */
    private static final String NOT_CHECKING_IN_AFTER = "2 * checkin_interval + 7500";

    private final Database db;

    public ClusterQueries(Database db) {
        this.db = db;
    }

    /**
     * Each node's last check-in, its check-in interval, and whether it is still checking in at {@code now}: a node
     * that stopped without a cluster-mate to recover it keeps its row, shown as not checking in.
     */
    public QueryResult nodes(Instant now) {
        return db.withConnection("cannot read the cluster's nodes", conn -> {
            try (PreparedStatement st = conn.prepareStatement("""
                    SELECT instance_name AS node,
                           TIMESTAMP WITH TIME ZONE 'epoch' + last_checkin_time * INTERVAL '1 millisecond'
                               AS last_checkin_at,
                           checkin_interval AS checkin_interval_ms,
                           CASE WHEN last_checkin_time < ? - (%s) THEN 'not checking in' ELSE 'checking in' END
                               AS state
                    FROM quartz.qrtz_scheduler_state WHERE sched_name = ? ORDER BY instance_name"""
                    .formatted(NOT_CHECKING_IN_AFTER))) {
                st.setLong(1, now.toEpochMilli());
                st.setString(2, SCHEDULER);
                return Queries.result(st);
            }
        });
    }

    /**
     * The artifacts each node holds claimed at {@code now}, of one connection's samples or of all, and when the first
     * of its claims runs out unless renewed: then the other nodes may take that artifact over.
     */
    public QueryResult claims(Instant now, Optional<String> connection) {
        return db.withConnection("cannot read the download claims", conn -> {
            try (PreparedStatement st = conn.prepareStatement("""
                    SELECT claimed_by AS node, COUNT(*) AS claims_held, MIN(claimed_until) AS soonest_expiry
                    FROM artifacts WHERE claimed_until > ? %s
                    GROUP BY claimed_by ORDER BY claimed_by""".formatted(connection.isEmpty() ? ""
                    : "AND (SELECT connection FROM samples WHERE id = sample_id) = ?"))) {
                Jdbc.setTime(st, 1, now);
                if (connection.isPresent()) {
                    st.setString(2, connection.get());
                }
                return Queries.result(st);
            }
        });
    }
}
