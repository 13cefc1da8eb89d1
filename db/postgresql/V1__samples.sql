-- PostgreSQL: db/V1__samples.sql unchanged; every statement in it means the same here.
-- Core harvest tables. Times are UTC (TIMESTAMP WITH TIME ZONE); the API's ISO strings map to them directly.

CREATE TABLE samples (
    id              CHAR(32)     PRIMARY KEY,
    sha256          CHAR(64),
    md5             CHAR(32),
    sha1            CHAR(40),
    filename        VARCHAR(1024),
    login           VARCHAR(255),
    organization_id BIGINT,
    submission_id   BIGINT,
    state           VARCHAR(32)  NOT NULL,
    status          VARCHAR(64),
    submitted_at    TIMESTAMP WITH TIME ZONE,
    started_at      TIMESTAMP WITH TIME ZONE,
    completed_at    TIMESTAMP WITH TIME ZONE,
    first_seen_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    last_checked_at TIMESTAMP WITH TIME ZONE NOT NULL,
    -- completed_at when the API reported it, else the moment the harvester first saw the final state
    finished_at     TIMESTAMP WITH TIME ZONE,
    tags            VARCHAR(4096), -- JSON array text, as the API sent it
    vm              VARCHAR(255),
    os              VARCHAR(255),
    playbook        VARCHAR(255),
    is_private      BOOLEAN
);
CREATE INDEX samples_state ON samples (state);
CREATE INDEX samples_login ON samples (login);
CREATE INDEX samples_submitted_at ON samples (submitted_at);
CREATE INDEX samples_sha256 ON samples (sha256);

CREATE TABLE state_changes (
    sample_id   CHAR(32)    NOT NULL REFERENCES samples (id),
    from_state  VARCHAR(32),            -- NULL on first sight
    to_state    VARCHAR(32) NOT NULL,
    observed_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX state_changes_sample ON state_changes (sample_id);

CREATE TABLE artifacts (
    sample_id       CHAR(32)     NOT NULL REFERENCES samples (id),
    name            VARCHAR(64)  NOT NULL,
    status          VARCHAR(16)  NOT NULL, -- pending | done | absent | failed
    bytes           BIGINT,
    sha256          CHAR(64),
    path            VARCHAR(512),          -- relative to the data dir
    fetched_at      TIMESTAMP WITH TIME ZONE,
    attempts        INT          NOT NULL DEFAULT 0,
    last_error      VARCHAR(1024),
    next_attempt_at TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (sample_id, name),
    CONSTRAINT artifacts_status CHECK (status IN ('pending', 'done', 'absent', 'failed'))
);
CREATE INDEX artifacts_due ON artifacts (status, next_attempt_at);

-- One row: the newest submitted_at stored from the list API; the next fetch starts a margin before it.
CREATE TABLE fetch_watermark (
    id           INT PRIMARY KEY CHECK (id = 1),
    submitted_at TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Last outcome of each pipeline stage, for `status`.
CREATE TABLE job_runs (
    job             VARCHAR(32) PRIMARY KEY,
    last_success_at TIMESTAMP WITH TIME ZONE,
    last_failure_at TIMESTAMP WITH TIME ZONE,
    last_error      VARCHAR(1024)
);
