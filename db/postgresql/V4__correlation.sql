-- PostgreSQL: db/V4__correlation.sql unchanged; every statement in it means the same here.
-- Correlation tables, parsed from each sample's analysis.json and processes.json. A reparse replaces all rows of
-- its sample in one transaction, so these tables never hold half of a sample's analysis.
-- Indexes serve `find` (value -> samples) and `related` (sample -> values -> other samples).

CREATE TABLE analysis (
    sample_id        CHAR(32)      PRIMARY KEY REFERENCES samples (id),
    threat_score     INT,                      -- threat.threat_score, 0..100
    heuristic_score  INT,
    max_severity     INT,                      -- highest severity among the sample's IOCs
    vm               VARCHAR(255),
    analysis_start   TIMESTAMP WITH TIME ZONE,
    analysis_end     TIMESTAMP WITH TIME ZONE,
    duration_seconds INT,
    file_type        VARCHAR(255),             -- metadata.malware_desc[0].type
    magic_type       VARCHAR(1024),            -- metadata.malware_desc[0].magic
    behaviour_count  INT,                      -- number of IOCs
    parsed_at        TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX analysis_threat_score ON analysis (threat_score);

CREATE TABLE iocs (
    sample_id  CHAR(32)      NOT NULL REFERENCES samples (id),
    ioc        VARCHAR(255)  NOT NULL,
    title      VARCHAR(1024),
    category   VARCHAR(1024),                  -- JSON array text
    tags       VARCHAR(1024),                  -- JSON array text
    severity   INT,
    confidence INT,
    hits       INT
);
CREATE INDEX iocs_ioc ON iocs (ioc, sample_id);
CREATE INDEX iocs_sample ON iocs (sample_id);

CREATE TABLE network_flows (
    sample_id  CHAR(32)     NOT NULL REFERENCES samples (id),
    src_ip     VARCHAR(45),
    src_port   INT,
    dst_ip     VARCHAR(45),
    dst_port   INT,
    transport  VARCHAR(16),
    protocol   VARCHAR(64),                    -- the session's service, e.g. dns, http
    bytes_orig BIGINT,
    bytes_resp BIGINT,
    started_at TIMESTAMP WITH TIME ZONE,
    ended_at   TIMESTAMP WITH TIME ZONE
);
CREATE INDEX network_flows_dst_ip ON network_flows (dst_ip, sample_id);
CREATE INDEX network_flows_src_ip ON network_flows (src_ip, sample_id);
CREATE INDEX network_flows_sample ON network_flows (sample_id);

CREATE TABLE domains (
    sample_id    CHAR(32)      NOT NULL REFERENCES samples (id),
    domain       VARCHAR(255)  NOT NULL,       -- lower case
    resolved_ips VARCHAR(4096)                 -- comma-separated, as resolved during the analysis
);
CREATE INDEX domains_domain ON domains (domain, sample_id);
CREATE INDEX domains_sample ON domains (sample_id);

CREATE TABLE urls (
    sample_id CHAR(32)       NOT NULL REFERENCES samples (id),
    url       VARCHAR(8192)  NOT NULL,
    method    VARCHAR(16),
    status    INT
);
CREATE INDEX urls_sample ON urls (sample_id);

CREATE TABLE artifact_hashes (
    sample_id  CHAR(32)      NOT NULL REFERENCES samples (id),
    path       VARCHAR(4096),
    sha256     CHAR(64),                       -- lower case hex
    md5        CHAR(32),
    sha1       CHAR(40),
    size       BIGINT,
    magic_type VARCHAR(1024),
    relation   VARCHAR(64),                    -- submitted, dropped, memory, extracted, ...
    origin     VARCHAR(64)
);
CREATE INDEX artifact_hashes_sha256 ON artifact_hashes (sha256, sample_id);
CREATE INDEX artifact_hashes_sample ON artifact_hashes (sample_id);

CREATE TABLE processes (
    sample_id        CHAR(32)       NOT NULL REFERENCES samples (id),
    process_key      VARCHAR(32)    NOT NULL,  -- the process's number in the report
    pid              INT,
    ppid             INT,
    name             VARCHAR(1024),
    image            VARCHAR(4096),
    command_line     VARCHAR(32768),
    analyzed_because VARCHAR(255),
    started_at       TIMESTAMP WITH TIME ZONE
);
CREATE INDEX processes_sample ON processes (sample_id);
CREATE INDEX processes_name ON processes (name);

CREATE TABLE registry_keys (
    sample_id CHAR(32)       NOT NULL REFERENCES samples (id),
    pid       INT,
    key_path  VARCHAR(4096)  NOT NULL,
    operation VARCHAR(32)                      -- created, modified, deleted, read
);
CREATE INDEX registry_keys_sample ON registry_keys (sample_id);
