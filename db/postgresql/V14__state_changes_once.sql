-- PostgreSQL: db/V14__state_changes_once.sql with ctid, the physical row address, for H2's _ROWID_ (the table has
-- no key). Each state change once: a repeat of the change before it is removed, the first sighting kept.
DELETE FROM state_changes WHERE ctid IN (
    SELECT row_id FROM (
        SELECT ctid AS row_id, from_state, to_state,
            LAG(from_state) OVER history AS previous_from, LAG(to_state) OVER history AS previous_to
        FROM state_changes
        WINDOW history AS (PARTITION BY sample_id ORDER BY observed_at, ctid)
    ) changes
    WHERE to_state = previous_to AND from_state IS NOT DISTINCT FROM previous_from
);
