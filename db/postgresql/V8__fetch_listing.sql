-- PostgreSQL: db/V8__fetch_listing.sql unchanged; every statement in it means the same here.
-- Where the fetch stands between list calls. The watermark (fetch_watermark) moves only when a listing has gone
-- through every page, so the order in which the server lists samples can never make the harvest skip one; this row
-- keeps a listing that a crash, a failed call or the per-round bound interrupted, so the next round continues it.
CREATE TABLE fetch_listing (
    id                 INT PRIMARY KEY CHECK (id = 1),
    -- the newest submitted_at the last complete listing saw: a time the server had reached before the next began
    last_newest        TIMESTAMP WITH TIME ZONE,
    -- the listing in progress (all NULL when none): its after= parameter, the next offset, the pages listed, the
    -- newest submitted_at on its first page and in all its pages so far, and when it began (harvester's clock)
    after_at           TIMESTAMP WITH TIME ZONE,
    next_offset        INT,
    pages              INT,
    first_page_newest  TIMESTAMP WITH TIME ZONE,
    newest             TIMESTAMP WITH TIME ZONE,
    started_at         TIMESTAMP WITH TIME ZONE
);
