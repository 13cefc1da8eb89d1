-- PostgreSQL: db/V10__user_totals.sql. The tables, the view and the index are the same (UNIQUE NULLS NOT DISTINCT
-- needs PostgreSQL 15); H2's DATEDIFF('SECOND', a, b) is written out, and the Java triggers of the store package
-- (SampleTotalsTrigger, ThreatScoreTotalsTrigger, UserTotals) are the PL/pgSQL functions below, which change the
-- totals the same way: only when what a row counts differs, and a row that comes to count nothing is deleted.
-- The upserts are INSERT ... ON CONFLICT rather than MERGE: under concurrent inserts of one new login MERGE can
-- fail on the unique constraint, ON CONFLICT cannot.

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
SELECT login, FLOOR(EXTRACT(EPOCH FROM finished_at)) - FLOOR(EXTRACT(EPOCH FROM submitted_at)), COUNT(*)
FROM samples
WHERE state = 'succ' AND submitted_at IS NOT NULL AND finished_at IS NOT NULL
GROUP BY login, FLOOR(EXTRACT(EPOCH FROM finished_at)) - FLOOR(EXTRACT(EPOCH FROM submitted_at));

INSERT INTO user_threat_scores (login, threat_score, samples)
SELECT s.login, a.threat_score, COUNT(*)
FROM analysis a JOIN samples s ON s.id = a.sample_id
WHERE a.threat_score IS NOT NULL
GROUP BY s.login, a.threat_score;

-- UserTotals.addCounts: adds to a login's row, creating it for a new login, deleting it once its submissions reach
-- 0, widening its first and last submission to submitted (LEAST and GREATEST skip NULLs here).
CREATE FUNCTION user_totals_add(p_login VARCHAR, p_submissions BIGINT, p_succeeded BIGINT, p_failed BIGINT,
                                p_stale BIGINT, p_submitted TIMESTAMP WITH TIME ZONE) RETURNS VOID
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_totals AS t (login, submissions, succeeded, failed, stale, first_submitted_at,
                                  last_submitted_at)
    VALUES (p_login, p_submissions, p_succeeded, p_failed, p_stale, p_submitted, p_submitted)
    ON CONFLICT ON CONSTRAINT user_totals_login DO UPDATE SET
        submissions = t.submissions + EXCLUDED.submissions, succeeded = t.succeeded + EXCLUDED.succeeded,
        failed = t.failed + EXCLUDED.failed, stale = t.stale + EXCLUDED.stale,
        first_submitted_at = LEAST(t.first_submitted_at, EXCLUDED.first_submitted_at),
        last_submitted_at = GREATEST(t.last_submitted_at, EXCLUDED.last_submitted_at);
    DELETE FROM user_totals WHERE login IS NOT DISTINCT FROM p_login AND submissions = 0;
END
$$;

-- UserTotals.refreshSpan: a login's first and last submission from its samples, after one of them left or moved.
CREATE FUNCTION user_totals_refresh_span(p_login VARCHAR) RETURNS VOID
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE user_totals SET
        first_submitted_at = (SELECT MIN(submitted_at) FROM samples WHERE login IS NOT DISTINCT FROM p_login),
        last_submitted_at = (SELECT MAX(submitted_at) FROM samples WHERE login IS NOT DISTINCT FROM p_login)
    WHERE login IS NOT DISTINCT FROM p_login;
END
$$;

CREATE FUNCTION user_result_times_add(p_login VARCHAR, p_seconds BIGINT, p_samples BIGINT) RETURNS VOID
LANGUAGE plpgsql AS $$
BEGIN
    IF p_seconds IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO user_result_times AS t (login, seconds_to_result, samples) VALUES (p_login, p_seconds, p_samples)
    ON CONFLICT ON CONSTRAINT user_result_times_key DO UPDATE SET samples = t.samples + EXCLUDED.samples;
    DELETE FROM user_result_times
    WHERE login IS NOT DISTINCT FROM p_login AND seconds_to_result = p_seconds AND samples = 0;
END
$$;

CREATE FUNCTION user_threat_scores_add(p_login VARCHAR, p_score INT, p_samples BIGINT) RETURNS VOID
LANGUAGE plpgsql AS $$
BEGIN
    IF p_score IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO user_threat_scores AS t (login, threat_score, samples) VALUES (p_login, p_score, p_samples)
    ON CONFLICT ON CONSTRAINT user_threat_scores_key DO UPDATE SET samples = t.samples + EXCLUDED.samples;
    DELETE FROM user_threat_scores
    WHERE login IS NOT DISTINCT FROM p_login AND threat_score = p_score AND samples = 0;
END
$$;

-- SampleTotalsTrigger.counted: a sample's whole seconds to result once succ, as H2's DATEDIFF counts them.
CREATE FUNCTION sample_seconds_to_result(p_state VARCHAR, p_submitted TIMESTAMP WITH TIME ZONE,
                                         p_finished TIMESTAMP WITH TIME ZONE) RETURNS BIGINT
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_state = 'succ'
                THEN CAST(FLOOR(EXTRACT(EPOCH FROM p_finished)) - FLOOR(EXTRACT(EPOCH FROM p_submitted)) AS BIGINT)
           END
$$;

-- SampleTotalsTrigger.change. A sample counts in its login's totals as one submission and, by state, one succeeded,
-- failed or stale (any other state is pending).
CREATE FUNCTION samples_user_totals() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
DECLARE
    old_seconds BIGINT;
    new_seconds BIGINT;
    score       INT;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        old_seconds := sample_seconds_to_result(OLD.state, OLD.submitted_at, OLD.finished_at);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_seconds := sample_seconds_to_result(NEW.state, NEW.submitted_at, NEW.finished_at);
    END IF;
    IF TG_OP = 'UPDATE' AND (OLD.id, OLD.login, OLD.state, OLD.submitted_at, old_seconds)
            IS NOT DISTINCT FROM (NEW.id, NEW.login, NEW.state, NEW.submitted_at, new_seconds) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.login IS NOT DISTINCT FROM NEW.login THEN
        IF OLD.state IS DISTINCT FROM NEW.state OR OLD.submitted_at IS DISTINCT FROM NEW.submitted_at THEN
            PERFORM user_totals_add(NEW.login, 0,
                CAST(NEW.state = 'succ' AS INT) - CAST(OLD.state = 'succ' AS INT),
                CAST(NEW.state = 'fail' AS INT) - CAST(OLD.state = 'fail' AS INT),
                CAST(NEW.state = 'stale' AS INT) - CAST(OLD.state = 'stale' AS INT), NEW.submitted_at);
        END IF;
        IF OLD.submitted_at IS DISTINCT FROM NEW.submitted_at AND OLD.submitted_at IS NOT NULL THEN
            PERFORM user_totals_refresh_span(NEW.login); -- the old time may have been the first or last
        END IF;
        IF old_seconds IS DISTINCT FROM new_seconds THEN
            PERFORM user_result_times_add(OLD.login, old_seconds, -1);
            PERFORM user_result_times_add(NEW.login, new_seconds, 1);
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM user_totals_add(OLD.login, -1, -CAST(OLD.state = 'succ' AS INT), -CAST(OLD.state = 'fail' AS INT),
            -CAST(OLD.state = 'stale' AS INT), NULL);
        IF OLD.submitted_at IS NOT NULL THEN
            PERFORM user_totals_refresh_span(OLD.login);
        END IF;
        PERFORM user_result_times_add(OLD.login, old_seconds, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM user_totals_add(NEW.login, 1, CAST(NEW.state = 'succ' AS INT), CAST(NEW.state = 'fail' AS INT),
            CAST(NEW.state = 'stale' AS INT), NEW.submitted_at);
        PERFORM user_result_times_add(NEW.login, new_seconds, 1);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        -- the login changed: its analysis's threat score moves along
        SELECT threat_score INTO score FROM analysis WHERE sample_id = NEW.id;
        PERFORM user_threat_scores_add(OLD.login, score, -1);
        PERFORM user_threat_scores_add(NEW.login, score, 1);
    END IF;
    RETURN NULL;
END
$$;

-- ThreatScoreTotalsTrigger.change: an analysis counts its threat score, if any, for its sample's login.
CREATE FUNCTION analysis_user_threat_scores() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (OLD.sample_id, OLD.threat_score) IS NOT DISTINCT FROM (NEW.sample_id, NEW.threat_score)
    THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM user_threat_scores_add((SELECT login FROM samples WHERE id = OLD.sample_id), OLD.threat_score, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM user_threat_scores_add((SELECT login FROM samples WHERE id = NEW.sample_id), NEW.threat_score, 1);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER samples_user_totals AFTER INSERT OR UPDATE OR DELETE ON samples FOR EACH ROW
    EXECUTE FUNCTION samples_user_totals();
CREATE TRIGGER analysis_user_threat_scores AFTER INSERT OR UPDATE OR DELETE ON analysis FOR EACH ROW
    EXECUTE FUNCTION analysis_user_threat_scores();

-- The same columns and numbers as V2's view. The mean is the exact sum over the count, in double precision; p95
-- is PERCENTILE_CONT(0.95) worked out from the counts: the values at ranks floor and ceiling of 0.95 * (n - 1)
-- (counted from 0), interpolated linearly, in exact decimals until the final cast. One pass over a union of both
-- tables, grouped by login, rather than a join.
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
