-- PostgreSQL: db/V5__parse_state.sql unchanged; every statement in it means the same here.
-- Handover from downloads to the parse stage: one row per sample whose analysis was parsed or failed to parse.
-- A sample is due when it has no row or its row was written by an older parser version; a failed file is not
-- retried until `reindex` or a parser version bump.
CREATE TABLE parse_state (
    sample_id      CHAR(32)     PRIMARY KEY REFERENCES samples (id),
    parser_version INT          NOT NULL,
    status         VARCHAR(16)  NOT NULL,      -- parsed, failed
    attempts       INT          NOT NULL,
    last_error     VARCHAR(1000),
    parsed_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX parse_state_status ON parse_state (status);
