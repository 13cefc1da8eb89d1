package io.tgharvester.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SQL written with numbered parameters ({@code ?1}, {@code ?2}: one value in several places), as the plain {@code ?}
 * that every JDBC driver takes, with the number each of those stands for. H2 reads {@code ?1} itself; PostgreSQL's
 * driver knows only {@code ?}.
 */
record NumberedSql(String sql, List<Integer> numbers) {
    private static final Pattern NUMBERED = Pattern.compile("\\?(\\d+)");

    NumberedSql {
        numbers = List.copyOf(numbers);
    }

    static NumberedSql of(String text) {
        List<Integer> numbers = new ArrayList<>();
        StringBuilder sql = new StringBuilder();
        Matcher parameter = NUMBERED.matcher(text);
        while (parameter.find()) {
            numbers.add(Integer.parseInt(parameter.group(1)));
            parameter.appendReplacement(sql, "?");
        }
        parameter.appendTail(sql);
        return new NumberedSql(sql.toString(), numbers);
    }

    /** The statement prepared with {@code values[n - 1]} bound wherever {@code ?n} stood. */
    PreparedStatement prepare(Connection conn, Object... values) throws SQLException {
        PreparedStatement st = conn.prepareStatement(sql);
        try {
            for (int i = 0; i < numbers.size(); i++) {
                st.setObject(i + 1, values[numbers.get(i) - 1]);
            }
            return st;
        } catch (SQLException | RuntimeException e) {
            st.close();
            throw e;
        }
    }
}
