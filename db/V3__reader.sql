-- A user that can only read: `tg-harvester sql` and SQL tools connect as READER, so no query text, however crafted,
-- can change the database or reach files (H2's file, script and alias commands need an admin).
CREATE USER IF NOT EXISTS READER PASSWORD 'reader';
GRANT SELECT ON SCHEMA PUBLIC TO READER;
