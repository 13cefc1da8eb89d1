-- Several harvester nodes sharing one PostgreSQL database download in parallel without fetching an artifact twice:
-- a node claims each artifact it downloads (claimed_by: its node id) until claimed_until, renewing the claim while it
-- works, and releases it as it records the outcome. A node that dies leaves its claims to expire; the other nodes
-- then take those artifacts over. A single process on H2 claims the same way.
ALTER TABLE artifacts ADD COLUMN claimed_by VARCHAR(80);
ALTER TABLE artifacts ADD COLUMN claimed_until TIMESTAMP WITH TIME ZONE;
CREATE INDEX artifacts_claimed_by ON artifacts (claimed_by);
