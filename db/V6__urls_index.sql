-- A URL pattern anchored at its start ('http://evil.example/%') is found through this index; a pattern starting
-- with % still reads every URL.
CREATE INDEX urls_url ON urls (url, sample_id);
