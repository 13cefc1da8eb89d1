package io.tgharvester.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import org.h2.api.Trigger;

/**
 * A trigger that keeps per-login totals (V10) in step with one table. H2 calls it for every row an INSERT, UPDATE or
 * DELETE changes, inside that statement's transaction, with the row before and after (null when there is none); it
 * works out what each counts and changes the totals only when that differs, so a rewrite that changed nothing
 * counted (a re-listed sample, a reparse with the same score) costs one comparison.
 *
 * <p>H2 makes one instance per trigger and shares it between sessions: it keeps nothing but the column positions it
 * reads in {@link #init}.
 *
 * @param <C> what one row counts
 */
abstract class TotalsTrigger<C> implements Trigger {
    @Override
    public final void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before,
                           int type) throws SQLException {
        readPositions(Jdbc.columnPositions(conn, schemaName, tableName));
    }

    @Override
    public final void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        Optional<C> before = oldRow == null ? Optional.empty() : Optional.of(counted(oldRow));
        Optional<C> after = newRow == null ? Optional.empty() : Optional.of(counted(newRow));
        if (!before.equals(after)) {
            change(conn, new UserTotals(conn), before, after);
        }
    }

    /** Notes where the columns it reads are, by upper-case name. */
    abstract void readPositions(Map<String, Integer> columns);

    abstract C counted(Object[] row);

    /** Takes what {@code before} counted away from the totals and adds what {@code after} counts. */
    abstract void change(Connection conn, UserTotals totals, Optional<C> before, Optional<C> after) throws SQLException;
}
