-- PostgreSQL: db/V11__connections.sql unchanged; every statement in it means the same here.
-- Named connections: several organizations or clouds harvested into one database. Each sample belongs to the
-- connection that listed it first; each connection keeps its own fetch position and backfill progress. Everything
-- harvested before connections existed belongs to the connection of tg.api-key/tg.base-url, 'default'.

ALTER TABLE samples ADD COLUMN connection VARCHAR(32) DEFAULT 'default' NOT NULL;
-- the state check and stale marking of one connection read its unfinished samples
CREATE INDEX samples_connection_state ON samples (connection, state);

-- fetch_watermark and fetch_listing held one row (id = 1); now one row per connection, the old row the default's.
CREATE TABLE fetch_watermark_by_connection (
    connection   VARCHAR(32) PRIMARY KEY,
    submitted_at TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO fetch_watermark_by_connection (connection, submitted_at, updated_at)
    SELECT 'default', submitted_at, updated_at FROM fetch_watermark;
DROP TABLE fetch_watermark;
ALTER TABLE fetch_watermark_by_connection RENAME TO fetch_watermark;

CREATE TABLE fetch_listing_by_connection (
    connection         VARCHAR(32) PRIMARY KEY,
    last_newest        TIMESTAMP WITH TIME ZONE,
    after_at           TIMESTAMP WITH TIME ZONE,
    next_offset        INT,
    pages              INT,
    first_page_newest  TIMESTAMP WITH TIME ZONE,
    newest             TIMESTAMP WITH TIME ZONE,
    started_at         TIMESTAMP WITH TIME ZONE
);
INSERT INTO fetch_listing_by_connection (connection, last_newest, after_at, next_offset, pages, first_page_newest,
        newest, started_at)
    SELECT 'default', last_newest, after_at, next_offset, pages, first_page_newest, newest, started_at
    FROM fetch_listing;
DROP TABLE fetch_listing;
ALTER TABLE fetch_listing_by_connection RENAME TO fetch_listing;

-- stage names carry the connection of their stage (fetch:eu, backfill:eu)
ALTER TABLE job_runs ALTER COLUMN job SET DATA TYPE VARCHAR(64);

-- `tg-harvester backfill`: walks a connection's history in time windows, each paged to its end. One row per
-- connection: the backfill asked for, and how far it got, so a rerun of the same command after an interruption
-- continues at the window and offset it reached.
CREATE TABLE backfill_progress (
    connection     VARCHAR(32) PRIMARY KEY,
    -- --from and --to as given (a relative --from such as 30d is read once, when the backfill begins)
    from_spec      VARCHAR(64) NOT NULL,
    to_spec        VARCHAR(64),
    from_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    to_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    window_seconds BIGINT NOT NULL,
    -- every sample submitted before window_from has been listed; the window from there is listed from next_offset
    window_from    TIMESTAMP WITH TIME ZONE NOT NULL,
    next_offset    INT NOT NULL,
    windows_done   INT NOT NULL,
    pages          BIGINT NOT NULL,
    samples        BIGINT NOT NULL,
    started_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at    TIMESTAMP WITH TIME ZONE
);
