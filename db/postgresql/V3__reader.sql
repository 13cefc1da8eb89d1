-- PostgreSQL: the READER of db/V3__reader.sql as a role that can only read this schema. Roles belong to the whole
-- server, not one database, so it cannot log in and has no password here: the operator grants it to a login role
-- of their own (GRANT tg_harvester_reader TO ...). Reading server files needs pg_read_server_files, which it lacks.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tg_harvester_reader') THEN
        CREATE ROLE tg_harvester_reader NOLOGIN;
    END IF;
END
$$;
GRANT USAGE ON SCHEMA public TO tg_harvester_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO tg_harvester_reader;
-- H2's GRANT ON SCHEMA covers tables made later; here that takes default privileges (for the migrating user's tables)
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO tg_harvester_reader;
