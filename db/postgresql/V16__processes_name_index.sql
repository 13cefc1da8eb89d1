-- A B-tree entry holds at most about 2.7 kB on PostgreSQL, and processes.name holds up to 1024 characters (up to
-- 4 kB in UTF-8): such a name would fail its row's insert, and with it the parse of its sample. A hash index has no
-- such limit and serves the lookups by name (=, IN) that the B-tree served.
DROP INDEX processes_name;
CREATE INDEX processes_name ON processes USING hash (name);
