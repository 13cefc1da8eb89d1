package io.tgharvester.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.store.SampleFilter.And;
import io.tgharvester.store.SampleFilter.Comparison;
import io.tgharvester.store.SampleFilter.Not;
import io.tgharvester.store.SampleFilter.Or;
import io.tgharvester.store.SampleFilter.TimeRange;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The filter language read into its tree, and every kind of mistake reported at its own column. */
class FilterParserTest {

    /** The tree as a compact prefix expression, values in brackets, so expectations read at a glance. */
    private static String tree(String filter) {
        return show(FilterParser.parse(filter));
    }

    private static String show(SampleFilter filter) {
        if (filter instanceof And and) {
            return "(and " + show(and.left()) + " " + show(and.right()) + ")";
        }
        if (filter instanceof Or or) {
            return "(or " + show(or.left()) + " " + show(or.right()) + ")";
        }
        if (filter instanceof Not not) {
            return "(not " + show(not.operand()) + ")";
        }
        Comparison c = (Comparison) filter;
        return c.field().fieldName() + "__" + c.operator().operatorName()
                + c.values().stream().map(String::valueOf).collect(Collectors.joining("|", "[", "]"));
    }

    static Stream<Arguments> validFilters() {
        return Stream.of(
                Arguments.of("login__eq(alice)", "login__eq[alice]"),
                Arguments.of("state__eq(a) AND state__eq(b) OR state__eq(c)",
                        "(or (and state__eq[a] state__eq[b]) state__eq[c])"),
                Arguments.of("state__eq(a) OR state__eq(b) AND state__eq(c)",
                        "(or state__eq[a] (and state__eq[b] state__eq[c]))"),
                Arguments.of("(state__eq(a) OR state__eq(b)) AND state__eq(c)",
                        "(and (or state__eq[a] state__eq[b]) state__eq[c])"),
                Arguments.of("NOT state__eq(a) AND state__eq(b)", "(and (not state__eq[a]) state__eq[b])"),
                Arguments.of("NOT (state__eq(a) AND state__eq(b))", "(not (and state__eq[a] state__eq[b]))"),
                Arguments.of("NOT NOT state__eq(a)", "(not (not state__eq[a]))"),
                Arguments.of("state__eq(a) OR state__eq(b) OR state__eq(c)",
                        "(or (or state__eq[a] state__eq[b]) state__eq[c])"),
                Arguments.of("((login__eq(a)))", "login__eq[a]"),
                Arguments.of("login__eq(a) and not state__eq(b) Or vm__eq(c)",
                        "(or (and login__eq[a] (not state__eq[b])) vm__eq[c])"),
                Arguments.of("  login__eq( alice )  ", "login__eq[alice]"),
                Arguments.of("LOGIN__EQ(alice)", "login__eq[alice]"),
                Arguments.of("login__in(alice, bob ,carol)", "login__in[alice|bob|carol]"),
                Arguments.of("filename__eq(my report.pdf)", "filename__eq[my report.pdf]"),
                Arguments.of("filename__eq('a,b (1).exe')", "filename__eq[a,b (1).exe]"),
                Arguments.of("login__eq(\"o'brien\")", "login__eq[o'brien]"),
                Arguments.of("login__eq('it''s')", "login__eq[it's]"),
                Arguments.of("login__eq(\"say \"\"hi\"\"\")", "login__eq[say \"hi\"]"),
                Arguments.of("login__eq(' padded ')", "login__eq[ padded ]"),
                Arguments.of("login__in('', x)", "login__in[|x]"),
                Arguments.of("tags__regex(test.*)", "tags__regex[test.*]"),
                Arguments.of("filename__regex('\\.(exe|dll)$')", "filename__regex[\\.(exe|dll)$]"),
                Arguments.of("filename__like(%invoice_%)", "filename__like[%invoice_%]"),
                Arguments.of("login__eq(x) OR organization_id__eq(1)", "(or login__eq[x] organization_id__eq[1])"),
                Arguments.of("state__eq(ANDROID) AND vm__eq(NOTE)", "(and state__eq[ANDROID] vm__eq[NOTE])"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validFilters")
    void validFiltersReadAsTheirTree(String filter, String expected) {
        assertEquals(expected, tree(filter));
    }

    @Test
    void everyOperatorReadsItsValuesAsTheFieldHoldsThem() {
        Instant day = Instant.parse("2026-11-01T00:00:00Z");
        Instant moment = Instant.parse("2026-11-01T08:30:00Z");
        assertEquals(List.of(comparison(SampleField.LOGIN, FilterOperator.EQ, "a"),
                        comparison(SampleField.LOGIN, FilterOperator.NE, "a"),
                        comparison(SampleField.ORGANIZATION_ID, FilterOperator.LT, 42L),
                        comparison(SampleField.ORGANIZATION_ID, FilterOperator.LTE, -1L),
                        comparison(SampleField.SUBMITTED_AT, FilterOperator.GT,
                                new TimeRange(day, day.plusSeconds(86_400))),
                        comparison(SampleField.SUBMITTED_AT, FilterOperator.GTE,
                                new TimeRange(moment, moment.plusNanos(1000))),
                        comparison(SampleField.STATE, FilterOperator.IN, "succ", "fail"),
                        comparison(SampleField.PRIVATE, FilterOperator.NIN, true, false),
                        comparison(SampleField.TAGS, FilterOperator.REGEX, "^x"),
                        comparison(SampleField.FILENAME, FilterOperator.IREGEX, "EXE$"),
                        comparison(SampleField.FILENAME, FilterOperator.LIKE, "%.exe")),
                Stream.of("login__eq(a)", "login__ne(a)", "organization_id__lt(42)", "organization_id__lte(-1)",
                                "submitted_at__gt(2026-11-01)", "submitted_at__gte(2026-11-01T10:30:00+02:00)",
                                "state__in(succ,fail)", "private__nin(TRUE, false)", "tags__regex(^x)",
                                "filename__iregex(EXE$)", "filename__like(%.exe)")
                        .map(FilterParser::parse).toList());
    }

    @Test
    void dateTimesWithoutAnOffsetAreUtcAndKeepMicroseconds() {
        Instant expected = Instant.parse("2026-11-01T08:30:00.123456Z");
        assertEquals(comparison(SampleField.FINISHED_AT, FilterOperator.EQ,
                        new TimeRange(expected, expected.plusNanos(1000))),
                FilterParser.parse("finished_at__eq(2026-11-01T08:30:00.123456789)"));
    }

    private static Comparison comparison(SampleField field, FilterOperator operator, Object... values) {
        return new Comparison(field, operator, List.of(values));
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                Arguments.of("", 1, "the filter is empty"),
                Arguments.of("   ", 4, "the filter is empty"),
                Arguments.of("logn__eq(a)", 1, "unknown field 'logn'; fields: id, submitted_at, login"),
                Arguments.of("login__equals(a)", 8, "unknown operator 'equals'; operators: eq, ne, lt"),
                Arguments.of("login(a)", 6, "expected __ and an operator after 'login', e.g. login__eq(…)"),
                Arguments.of("login__eq a", 11, "expected '(' and the values after login__eq, found 'a'"),
                Arguments.of("login__eq(alice", 16, "missing ')' to close the values of login__eq opened at column 10"),
                Arguments.of("login__eq(a b", 14, "missing ')' to close the values of login__eq"),
                Arguments.of("login__eq(a,b)", 13, "eq takes one value; in and nin take a list"),
                Arguments.of("login__eq()", 11, "eq takes one value, e.g. login__eq(…)"),
                Arguments.of("state__in()", 11, "in takes one or more values"),
                Arguments.of("state__in(a,,b)", 13, "missing value"),
                Arguments.of("state__in(a, )", 14, "missing value"),
                Arguments.of("login__eq('alice)", 11, "the quote ' is never closed"),
                Arguments.of("login__eq(al'ice)", 13, "a value holding ' must be quoted"),
                Arguments.of("filename__regex((a|b))", 17, "a value holding ( must be quoted"),
                Arguments.of("login__eq('a' 'b')", 15, "expected ',' or ')' after a value, found '''"),
                Arguments.of("login__eq(a) login__eq(b)", 14, "expected AND, OR or the end of the filter, found 'login__eq'"),
                Arguments.of("login__eq(a) AND", 17, "expected a comparison such as login__eq(alice), found the end"),
                Arguments.of("login__eq(a) AND OR state__eq(b)", 18, "found 'OR'"),
                Arguments.of("NOT", 4, "found the end of the filter"),
                Arguments.of("(login__eq(a)", 14, "missing ')' for the '(' at column 1"),
                Arguments.of("(login__eq(a) state__eq(b))", 15, "expected AND, OR or ')', found 'state__eq'"),
                Arguments.of("login__eq(a))", 13, "')' without a matching '('"),
                Arguments.of("login__eq(a) && state__eq(b)", 14, "found '&'"),
                Arguments.of("login__eq(a) organization_id__eq(1)", 14, "found 'organization_id__eq'"),
                Arguments.of("submitted_at__gte(yesterday)", 19,
                        "submitted_at takes an ISO date or date-time such as 2026-11-01"),
                Arguments.of("submitted_at__lt(2026-13-01)", 18, "found '2026-13-01'"),
                Arguments.of("organization_id__eq(12abc)", 21, "organization_id takes whole numbers, found '12abc'"),
                Arguments.of("private__eq(yes)", 13, "private takes true or false, found 'yes'"),
                Arguments.of("tags__lt(x)", 7, "lt does not apply to tags, which takes eq, ne, in, nin, regex, iregex, like"),
                Arguments.of("submitted_at__regex(2026)", 15, "regex does not apply to submitted_at, which takes eq, ne,"),
                Arguments.of("login__regex('[a-')", 14, "not a regular expression: "));
    }

    @ParameterizedTest(name = "[{0}] at column {1}")
    @MethodSource("mistakes")
    void mistakesNameTheirColumnAndWhatIsWrong(String filter, int column, String reason) {
        FilterException e = assertThrows(FilterException.class, () -> FilterParser.parse(filter));

        assertEquals(column, e.column(), e.getMessage());
        assertTrue(e.reason().contains(reason), e.reason());
    }

    @Test
    void theMessageShowsTheFilterWithACaretUnderTheBadToken() {
        FilterException e = assertThrows(FilterException.class,
                () -> FilterParser.parse("login__eq(alice) AND\tstate__is(succ)"));

        List<String> lines = e.getMessage().lines().toList();
        assertEquals(List.of("bad filter at column 29: unknown operator 'is'; operators: " + FilterOperator.names(),
                "  login__eq(alice) AND state__is(succ)",
                "  " + " ".repeat(28) + "^"), lines, "a tab shows as one blank, so the caret stays under 'is'");
    }
}
