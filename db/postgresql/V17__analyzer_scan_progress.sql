-- Up to when each analyzer has looked at samples whose downloads or parse changed (its progress starts where it
-- first ran), and the indexes that find those samples rather than every succeeded one. A harvester built on
-- 2026-11-30 between two commits wrote these into V12 itself; its data dirs already hold them (IF NOT EXISTS).
ALTER TABLE analyzers ADD COLUMN IF NOT EXISTS scanned_to TIMESTAMP WITH TIME ZONE;
UPDATE analyzers SET scanned_to = since WHERE scanned_to IS NULL;
ALTER TABLE analyzers ALTER COLUMN scanned_to SET NOT NULL;
CREATE INDEX IF NOT EXISTS artifacts_fetched_at ON artifacts (fetched_at);
CREATE INDEX IF NOT EXISTS parse_state_parsed_at ON parse_state (parsed_at);
