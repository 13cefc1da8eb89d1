package io.tgharvester.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The statement check against H2 itself: wherever H2 would run a second statement, the check refuses the text. */
class QueryTextTest {
    /** Pieces that H2 reads as quotes, comments, separators or plain code, depending on what surrounds them. */
    private static final List<String> PIECES = List.of("'", "''", "\"", "`", "/*", "*/", "--", "//", "\n", "\r",
            ";", " ", "x", "1", "$", "$$", "N", "X", "U&", "*", "/", "-", "/* /* */", "$$'$$", "`'`");
    private static final String SECOND = ";SET @ran = 1";

    @Test
    void whereverH2WouldRunASecondStatementTheCheckRefusesOrCutsItOff() throws SQLException {
        Random random = new Random(12);
        int allowed = 0;
        int refusedWhereH2RanTheSecond = 0;
        try (Connection h2 = DriverManager.getConnection("jdbc:h2:mem:"); Statement st = h2.createStatement()) {
            st.setEscapeProcessing(false);
            for (int n = 0; n < 20_000; n++) {
                String text = "SELECT 1 " + pieces(random) + SECOND + pieces(random);
                String query;
                try {
                    query = QueryText.singleReadQuery(text);
                } catch (StoreException refused) {
                    refusedWhereH2RanTheSecond += runsASecondStatement(st, text) ? 1 : 0;
                    continue;
                }
                allowed++;
                assertTrue(!runsASecondStatement(st, query), "H2 ran a second statement of " + text);
            }
        }
        assertTrue(allowed > 500 && refusedWhereH2RanTheSecond > 500,
                "the texts reach both sides: " + allowed + " allowed, " + refusedWhereH2RanTheSecond
                        + " refused that H2 would have run twice");
    }

    /** Texts that H2 runs as two statements although a simpler reading sees one: each must be refused. */
    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT 1 /* ' */ ;SET @ran = 1 ;SELECT 1 /* ' */",
        "SELECT 1 -- '\n;SET @ran = 1 --'",
        "SELECT 1 -- '\r;SET @ran = 1 --'",
        "SELECT 1 // '\n;SET @ran = 1 //'",
        "SELECT 1 /* /* */ ' */ ;SET @ran = 1 ;SELECT 'x' -- '",
        "SELECT $$'$$ ;SET @ran = 1 ;SELECT 1 -- '",
        "SELECT 1 AS `'` ;SET @ran = 1 ;SELECT 1 AS `'`",
        "SELECT 'a''' ;SET @ran = 1 ;SELECT '''b'",
        "SELECT '/*' ;SET @ran = 1 ;SELECT '*/'",
        "SELECT 1 AS \"--\" ;SET @ran = 1"})
    void aSecondStatementH2WouldRunIsRefused(String text) throws SQLException {
        try (Connection h2 = DriverManager.getConnection("jdbc:h2:mem:"); Statement st = h2.createStatement()) {
            st.setEscapeProcessing(false);
            assertTrue(runsASecondStatement(st, text), "H2 runs a second statement of " + text);
        }
        assertThrows(StoreException.class, () -> QueryText.singleReadQuery(text));
    }

    private static String pieces(Random random) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(7); i > 0; i--) {
            text.append(PIECES.get(random.nextInt(PIECES.size())));
        }
        return text.toString();
    }

    private static boolean runsASecondStatement(Statement st, String text) throws SQLException {
        st.execute("SET @ran = 0");
        try {
            st.executeQuery(text).close();
        } catch (SQLException syntaxOrLater) {
            // a text H2 cannot read runs nothing; a later statement may still have run before a failure
        }
        try (ResultSet rs = st.executeQuery("SELECT @ran")) {
            rs.next();
            return rs.getInt(1) == 1;
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            SELECT 'a;b'                              | SELECT 'a;b'
            SELECT 'it''s; fine' AS "x;""y"           | SELECT 'it''s; fine' AS "x;""y"
            SELECT 1 /* ; DELETE FROM samples */      | SELECT 1 /* ; DELETE FROM samples */
            SELECT 1 /* /* ; */ ' */                  | SELECT 1 /* /* ; */ ' */
            SELECT 1 -- ; DELETE FROM samples         | SELECT 1 -- ; DELETE FROM samples
            /* first */ select 1;                     | select 1
            SELECT 1 ; ; -- done                      | SELECT 1
            """)
    void aSemicolonInAQuoteOrCommentSeparatesNothing(String text, String query) {
        assertEquals(query, QueryText.singleReadQuery(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT ';' ; DELETE FROM samples",
        "SELECT 1 /* ' */ ; ALTER USER READER SET PASSWORD 'x' /* ' */",
        "SELECT 1 -- '\n; ALTER USER READER SET PASSWORD 'x' --'",
        "SELECT 1 // \"\n; DELETE FROM samples // \"",
        "SELECT 1 /* /* */ */ ; DELETE FROM samples",
        "SELECT `'` ; DELETE FROM samples ; SELECT `'`"})
    void aSecondStatementAfterAQuoteOrCommentIsRefused(String text) {
        StoreException e = assertThrows(StoreException.class, () -> QueryText.singleReadQuery(text));
        assertEquals("one query at a time: remove the ';' separated statements", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            SELECT 'open                       | the query has an unterminated quote or comment
            SELECT 1 /* /* */                  | the query has an unterminated quote or comment
            SELECT $$;$$                       | $$ strings are not supported here: quote text with '…'
            CALL LINK_SCHEMA('X', '', '', '', '', 'PUBLIC') | only read queries are allowed (SELECT, WITH, TABLE, VALUES, SHOW, EXPLAIN)
            -- SELECT 1                        | only read queries are allowed (SELECT, WITH, TABLE, VALUES, SHOW, EXPLAIN)
            """)
    void textH2WouldReadDifferentlyOrThatIsNoReadIsRefusedWithItsReason(String text, String message) {
        assertEquals(message, assertThrows(StoreException.class, () -> QueryText.singleReadQuery(text)).getMessage());
    }
}
