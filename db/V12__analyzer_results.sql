-- Analyzer plugins (io.tgharvester.analyze.SampleAnalyzer): one row per sample and analyzer, written before each
-- call (attempts counts calls begun, so a crash mid-call still counts and is retried) and again with its outcome.
-- A failed call is retried at next_attempt_at until the attempts are spent (given_up).
CREATE TABLE analyzer_results (
    sample_id       CHAR(32)     NOT NULL REFERENCES samples (id),
    analyzer        VARCHAR(64)  NOT NULL,
    status          VARCHAR(16)  NOT NULL,
    attempts        INT          NOT NULL,
    last_error      VARCHAR(1000),
    next_attempt_at TIMESTAMP WITH TIME ZONE,
    finished_at     TIMESTAMP WITH TIME ZONE,   -- when the analyzer last succeeded
    PRIMARY KEY (sample_id, analyzer),
    CONSTRAINT analyzer_results_status CHECK (status IN ('done', 'failed', 'given_up'))
);
CREATE INDEX analyzer_results_due ON analyzer_results (analyzer, status, next_attempt_at);

-- The tags an analyzer gave a sample.
CREATE TABLE analyzer_tags (
    sample_id CHAR(32)     NOT NULL,
    analyzer  VARCHAR(64)  NOT NULL,
    tag       VARCHAR(255) NOT NULL,
    PRIMARY KEY (sample_id, analyzer, tag),
    FOREIGN KEY (sample_id, analyzer) REFERENCES analyzer_results (sample_id, analyzer)
);
CREATE INDEX analyzer_tags_tag ON analyzer_tags (tag);

-- An analyzer's own result rows, one database row per field of each:
-- SELECT sample_id, value_text FROM analyzer_rows WHERE analyzer = 'x' AND field = 'y'.
CREATE TABLE analyzer_rows (
    sample_id  CHAR(32)     NOT NULL,
    analyzer   VARCHAR(64)  NOT NULL,
    row_no     INT          NOT NULL,
    field      VARCHAR(128) NOT NULL,
    value_text VARCHAR(4096),
    PRIMARY KEY (sample_id, analyzer, row_no, field),
    FOREIGN KEY (sample_id, analyzer) REFERENCES analyzer_results (sample_id, analyzer)
);
CREATE INDEX analyzer_rows_field ON analyzer_rows (analyzer, field);

-- When each analyzer first ran: it sees samples completed from then on, not the history harvested before it.
CREATE TABLE analyzers (
    analyzer VARCHAR(64) PRIMARY KEY,
    since    TIMESTAMP WITH TIME ZONE NOT NULL
);
