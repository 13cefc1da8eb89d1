-- PostgreSQL: db/V6__urls_index.sql cannot be copied. A B-tree entry holds at most ~2.7 kB, so the plain index on
-- url (up to 8192 characters) would reject the insert of a long URL, and with a non-C collation a B-tree does not
-- serve LIKE 'prefix%' anyway. A trigram index serves LIKE with the % anywhere and takes any length; pg_trgm is a
-- trusted extension, which a database owner may create.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX urls_url ON urls USING GIN (url gin_trgm_ops);
