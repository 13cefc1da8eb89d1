package io.tgharvester.store;

import java.util.regex.Pattern;

/**
 * A user's query text read the way H2 2.x's tokenizer reads it, in the database's REGULAR mode: quoted strings and
 * identifiers ({@code '…'}, {@code "…"}, {@code `…`}, quotes doubled inside), line comments ({@code --}, {@code //})
 * and nested block comments. H2 runs every ';'-separated statement of one JDBC call, so a ';' must be found exactly
 * where H2 finds it: a quote inside a comment, or a comment marker inside a quote, hides nothing. The READER user's
 * rights stop any write; this check stops what rights cannot (a user may always change its own password, which would
 * lock {@code status}, {@code sql} and the reports out) and refuses with a clear message.
 */
final class QueryText {
    /** What a user query may start with; anything else is refused before it reaches the database. */
    private static final Pattern READ_STATEMENT =
            Pattern.compile("^(SELECT|WITH|TABLE|VALUES|SHOW|EXPLAIN)\\b", Pattern.CASE_INSENSITIVE);

    private QueryText() {
    }

    /** The one read statement in {@code sql}, without a closing ';' or what follows it; refuses anything else. */
    static String singleReadQuery(String sql) {
        int firstCode = -1;
        int separator = -1;
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            int next = i + 1;
            if (c == '-' && at(sql, next, '-') || c == '/' && at(sql, next, '/')) {
                next = lineEnd(sql, i);
            } else if (c == '/' && at(sql, next, '*')) {
                next = blockCommentEnd(sql, i);
            } else if (!Character.isWhitespace(c)) {
                if (separator >= 0 && c != ';') {
                    throw new StoreException("one query at a time: remove the ';' separated statements");
                }
                if (c == '$' && at(sql, next, '$')) {
                    throw new StoreException("$$ strings are not supported here: quote text with '…'");
                }
                if (c == '\'' || c == '"' || c == '`') {
                    next = quoteEnd(sql, i, c);
                } else if (c == ';' && separator < 0) {
                    separator = i;
                }
                firstCode = firstCode < 0 ? i : firstCode;
            }
            i = next;
        }
        String query = firstCode < 0 ? "" : sql.substring(firstCode, separator < 0 ? sql.length() : separator).strip();
        if (!READ_STATEMENT.matcher(query).find()) {
            throw new StoreException("only read queries are allowed (SELECT, WITH, TABLE, VALUES, SHOW, EXPLAIN)");
        }
        return query;
    }

    private static boolean at(String sql, int index, char expected) {
        return index < sql.length() && sql.charAt(index) == expected;
    }

    /** A line comment runs to the next line break, as in H2. */
    private static int lineEnd(String sql, int start) {
        int i = start + 2;
        while (i < sql.length() && sql.charAt(i) != '\n' && sql.charAt(i) != '\r') {
            i++;
        }
        return i;
    }

    /** H2 nests block comments: a comment opened inside one needs its own close. */
    private static int blockCommentEnd(String sql, int start) {
        int i = start + 2;
        for (int level = 1; level > 0; ) {
            if (i + 1 >= sql.length()) {
                throw unterminated();
            }
            char c = sql.charAt(i++);
            if (c == '*' && sql.charAt(i) == '/') {
                level--;
                i++;
            } else if (c == '/' && sql.charAt(i) == '*') {
                level++;
                i++;
            }
        }
        return i;
    }

    /** A doubled quote inside continues the string or identifier. */
    private static int quoteEnd(String sql, int start, char quote) {
        int i = start + 1;
        while (true) {
            int close = sql.indexOf(quote, i);
            if (close < 0) {
                throw unterminated();
            }
            if (!at(sql, close + 1, quote)) {
                return close + 1;
            }
            i = close + 2;
        }
    }

    private static StoreException unterminated() {
        return new StoreException("the query has an unterminated quote or comment");
    }
}
