-- Per-login totals, so that user_stats and an all-time `report users` read a few small tables instead of
-- aggregating every sample and analysis (at a million samples the report took 12-24 s). The triggers below keep the
-- tables in step with samples and analysis inside the transaction of every change, whoever makes it; the INSERTs
-- fill them from the harvest already stored.
-- A login's row exists while it has samples; NULL is the samples without a login, one row like any other.

CREATE TABLE user_totals (
    login              VARCHAR(255),
    submissions        BIGINT NOT NULL,
    succeeded          BIGINT NOT NULL,
    failed             BIGINT NOT NULL,
    stale              BIGINT NOT NULL,            -- pending is what the other three leave of submissions
    first_submitted_at TIMESTAMP WITH TIME ZONE,
    last_submitted_at  TIMESTAMP WITH TIME ZONE,
    CONSTRAINT user_totals_login UNIQUE NULLS NOT DISTINCT (login)
);

-- How many of a login's succ samples took each whole number of seconds from submission to finished_at: exact
-- percentiles without a sort, in as many rows as a login has distinct times.
CREATE TABLE user_result_times (
    login             VARCHAR(255),
    seconds_to_result BIGINT NOT NULL,
    samples           BIGINT NOT NULL,
    CONSTRAINT user_result_times_key UNIQUE NULLS NOT DISTINCT (login, seconds_to_result)
);

-- How many of a login's parsed analyses have each threat score.
CREATE TABLE user_threat_scores (
    login        VARCHAR(255),
    threat_score INT    NOT NULL,
    samples      BIGINT NOT NULL,
    CONSTRAINT user_threat_scores_key UNIQUE NULLS NOT DISTINCT (login, threat_score)
);

INSERT INTO user_totals (login, submissions, succeeded, failed, stale, first_submitted_at, last_submitted_at)
SELECT login, COUNT(*),
       SUM(CASE WHEN state = 'succ' THEN 1 ELSE 0 END),
       SUM(CASE WHEN state = 'fail' THEN 1 ELSE 0 END),
       SUM(CASE WHEN state = 'stale' THEN 1 ELSE 0 END),
       MIN(submitted_at), MAX(submitted_at)
FROM samples
GROUP BY login;

INSERT INTO user_result_times (login, seconds_to_result, samples)
SELECT login, DATEDIFF('SECOND', submitted_at, finished_at), COUNT(*)
FROM samples
WHERE state = 'succ' AND submitted_at IS NOT NULL AND finished_at IS NOT NULL
GROUP BY login, DATEDIFF('SECOND', submitted_at, finished_at);

INSERT INTO user_threat_scores (login, threat_score, samples)
SELECT s.login, a.threat_score, COUNT(*)
FROM analysis a JOIN samples s ON s.id = a.sample_id
WHERE a.threat_score IS NOT NULL
GROUP BY s.login, a.threat_score;

-- The class names are part of the schema: renaming a trigger class needs a migration that creates it anew.
CREATE TRIGGER samples_user_totals AFTER INSERT, UPDATE, DELETE ON samples FOR EACH ROW
    CALL 'io.tgharvester.store.SampleTotalsTrigger';
CREATE TRIGGER analysis_user_threat_scores AFTER INSERT, UPDATE, DELETE ON analysis FOR EACH ROW
    CALL 'io.tgharvester.store.ThreatScoreTotalsTrigger';

-- The same columns and numbers as V2's view. The mean is the exact sum over the count, in double precision; p95
-- is PERCENTILE_CONT(0.95) worked out from the counts: the values at ranks floor and ceiling of 0.95 * (n - 1)
-- (counted from 0), interpolated linearly, in exact decimals until the final cast. One pass over a union of both
-- tables, grouped by login, rather than a join: H2 would work out the times of every login again for each row of
-- user_totals it joins them to.
DROP VIEW user_stats;
CREATE VIEW user_stats AS
SELECT login, submissions, succeeded, failed, submissions - succeeded - failed - stale AS pending, stale,
       first_submitted_at, last_submitted_at,
       CAST(seconds_sum AS DOUBLE PRECISION) / CAST(timed AS DOUBLE PRECISION) AS mean_seconds_to_result,
       CAST(below + (above - below) * fraction AS DOUBLE PRECISION)            AS p95_seconds_to_result
FROM (
    SELECT login,
           MAX(submissions) AS submissions, MAX(succeeded) AS succeeded, MAX(failed) AS failed, MAX(stale) AS stale,
           MAX(first_submitted_at) AS first_submitted_at, MAX(last_submitted_at) AS last_submitted_at,
           MAX(timed)                                                                AS timed,
           SUM(seconds_to_result * samples)                                          AS seconds_sum,
           MIN(seconds_to_result) FILTER (WHERE up_to > FLOOR(0.95 * (timed - 1)))   AS below,
           MIN(seconds_to_result) FILTER (WHERE up_to > CEILING(0.95 * (timed - 1))) AS above,
           MAX(0.95 * (timed - 1) - FLOOR(0.95 * (timed - 1)))                       AS fraction
    FROM (
        SELECT login, submissions, succeeded, failed, stale, first_submitted_at, last_submitted_at,
               CAST(NULL AS BIGINT) AS seconds_to_result, CAST(NULL AS BIGINT) AS samples,
               CAST(NULL AS BIGINT) AS up_to, CAST(NULL AS BIGINT) AS timed
        FROM user_totals
        UNION ALL
        -- up_to: how many of the login's times are at most this one
        SELECT login, NULL, NULL, NULL, NULL, NULL, NULL, seconds_to_result, samples,
               SUM(samples) OVER (PARTITION BY login ORDER BY seconds_to_result ROWS UNBOUNDED PRECEDING),
               SUM(samples) OVER (PARTITION BY login)
        FROM user_result_times) counted
    GROUP BY login) per_login;

-- V7's index served the old view's scan of every sample. A report over a window now reads only the samples
-- submitted in it, and this index holds all it reads of them.
DROP INDEX samples_user_stats;
CREATE INDEX samples_submissions ON samples (submitted_at, login, state, finished_at);
