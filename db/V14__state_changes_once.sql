-- Each state change once. Until now the fetch and the state check, run at once whenever their schedules coincided,
-- could both record the same change of a sample moments apart (both read the old state before either stored the
-- new one). A change never follows itself: after X -> Y the sample is in Y, so its next change starts from Y. Such
-- a repeat is removed and the first sighting kept; every other row, a state seen again later included, stays.
DELETE FROM state_changes WHERE _ROWID_ IN (
    SELECT row_id FROM (
        SELECT _ROWID_ AS row_id, from_state, to_state,
            LAG(from_state) OVER history AS previous_from, LAG(to_state) OVER history AS previous_to
        FROM state_changes
        WINDOW history AS (PARTITION BY sample_id ORDER BY observed_at, _ROWID_)
    ) changes
    WHERE to_state = previous_to AND from_state IS NOT DISTINCT FROM previous_from
);
