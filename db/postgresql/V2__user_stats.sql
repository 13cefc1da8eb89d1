-- PostgreSQL: db/V2__user_stats.sql with H2's DATEDIFF('SECOND', a, b) (whole seconds crossed, each time cut to
-- its second) written out; V10 replaces this view.
CREATE VIEW user_stats AS
SELECT s.login,
       COUNT(*)                                                   AS submissions,
       SUM(CASE WHEN s.state = 'succ' THEN 1 ELSE 0 END)          AS succeeded,
       SUM(CASE WHEN s.state = 'fail' THEN 1 ELSE 0 END)          AS failed,
       SUM(CASE WHEN s.state NOT IN ('succ', 'fail', 'stale') THEN 1 ELSE 0 END) AS pending,
       SUM(CASE WHEN s.state = 'stale' THEN 1 ELSE 0 END)         AS stale,
       MIN(s.submitted_at)                                        AS first_submitted_at,
       MAX(s.submitted_at)                                        AS last_submitted_at,
       CAST(AVG(CASE WHEN s.state = 'succ'
                     THEN FLOOR(EXTRACT(EPOCH FROM s.finished_at)) - FLOOR(EXTRACT(EPOCH FROM s.submitted_at)) END)
            AS DOUBLE PRECISION)                                  AS mean_seconds_to_result,
       CAST(PERCENTILE_CONT(0.95) WITHIN GROUP (ORDER BY
           CASE WHEN s.state = 'succ'
                THEN FLOOR(EXTRACT(EPOCH FROM s.finished_at)) - FLOOR(EXTRACT(EPOCH FROM s.submitted_at)) END)
           AS DOUBLE PRECISION)                                   AS p95_seconds_to_result
FROM samples s
GROUP BY s.login;
