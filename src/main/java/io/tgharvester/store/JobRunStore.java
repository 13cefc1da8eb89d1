package io.tgharvester.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The last success and failure of each pipeline stage, for {@code status} and operators. */
public final class JobRunStore {
    private final Database db;

    public JobRunStore(Database db) {
        this.db = db;
    }

    public void succeeded(String job, Instant at) {
        record("""
                MERGE INTO job_runs j USING (VALUES (%s)) v(job, at, error) ON j.job = v.job
                WHEN MATCHED THEN UPDATE SET last_success_at = v.at
                WHEN NOT MATCHED THEN INSERT (job, last_success_at) VALUES (v.job, v.at)""", job, at, null);
    }

    public void failed(String job, Instant at, String error) {
        record("""
                MERGE INTO job_runs j USING (VALUES (%s)) v(job, at, error) ON j.job = v.job
                WHEN MATCHED THEN UPDATE SET last_failure_at = v.at, last_error = v.error
                WHEN NOT MATCHED THEN INSERT (job, last_failure_at, last_error) VALUES (v.job, v.at, v.error)""",
                job, at, Jdbc.clip(error));
    }

    /** Every stage that has run at least once, by name. */
    public List<StageRun> runs() {
        return db.withConnection("cannot read job_runs", conn -> {
            try (PreparedStatement st = conn.prepareStatement(
                    "SELECT job, last_success_at, last_failure_at, last_error FROM job_runs ORDER BY job");
                 ResultSet rs = st.executeQuery()) {
                List<StageRun> runs = new ArrayList<>();
                while (rs.next()) {
                    runs.add(new StageRun(rs.getString("job"), Jdbc.time(rs, "last_success_at"),
                            Jdbc.time(rs, "last_failure_at"), Optional.ofNullable(rs.getString("last_error"))));
                }
                return List.copyOf(runs);
            }
        });
    }

    private void record(String sql, String job, Instant at, String error) {
        String typed = sql.formatted(
                "CAST(? AS VARCHAR(64)), CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS VARCHAR(1024))");
        db.withWritingConnection("cannot record the run of " + job, conn -> {
            try (PreparedStatement st = conn.prepareStatement(typed)) {
                st.setString(1, job);
                Jdbc.setTime(st, 2, at);
                st.setString(3, error);
                return st.executeUpdate();
            }
        });
    }
}
