package io.tgharvester.store;

import java.sql.PreparedStatement;
import java.time.Instant;

/** The last success and failure of each pipeline stage, for {@code status} and operators. */
public final class JobRunStore {
    private final Database db;

    public JobRunStore(Database db) {
        this.db = db;
    }

    public void succeeded(String job, Instant at) {
        record(job, """
                MERGE INTO job_runs j USING (VALUES (CAST(? AS VARCHAR(32)))) v(job) ON j.job = v.job
                WHEN MATCHED THEN UPDATE SET last_success_at = ?
                WHEN NOT MATCHED THEN INSERT (job, last_success_at) VALUES (v.job, ?)""", at, null);
    }

    public void failed(String job, Instant at, String error) {
        record(job, """
                MERGE INTO job_runs j USING (VALUES (CAST(? AS VARCHAR(32)))) v(job) ON j.job = v.job
                WHEN MATCHED THEN UPDATE SET last_failure_at = ?, last_error = ?
                WHEN NOT MATCHED THEN INSERT (job, last_failure_at, last_error) VALUES (v.job, ?, ?)""", at,
                error.length() > 1000 ? error.substring(0, 1000) : error);
    }

    private void record(String job, String sql, Instant at, String error) {
        db.withConnection("cannot record the run of " + job, conn -> {
            try (PreparedStatement st = conn.prepareStatement(sql)) {
                int i = 1;
                st.setString(i++, job);
                Jdbc.setTime(st, i++, at);
                if (error != null) {
                    st.setString(i++, error);
                }
                Jdbc.setTime(st, i++, at);
                if (error != null) {
                    st.setString(i, error);
                }
                return st.executeUpdate();
            }
        });
    }
}
