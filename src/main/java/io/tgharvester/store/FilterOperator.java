package io.tgharvester.store;

import io.tgharvester.store.SampleField.Kind;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The comparisons of the {@code samples} filter language, written after a field: {@code login__eq(alice)}. */
public enum FilterOperator {
    EQ("eq", false, EnumSet.allOf(Kind.class)),
    NE("ne", false, EnumSet.allOf(Kind.class)),
    LT("lt", false, EnumSet.of(Kind.TEXT, Kind.NUMBER, Kind.TIME)),
    LTE("lte", false, EnumSet.of(Kind.TEXT, Kind.NUMBER, Kind.TIME)),
    GT("gt", false, EnumSet.of(Kind.TEXT, Kind.NUMBER, Kind.TIME)),
    GTE("gte", false, EnumSet.of(Kind.TEXT, Kind.NUMBER, Kind.TIME)),
    IN("in", true, EnumSet.allOf(Kind.class)),
    NIN("nin", true, EnumSet.allOf(Kind.class)),
    REGEX("regex", false, EnumSet.of(Kind.TEXT, Kind.TAGS)),
    IREGEX("iregex", false, EnumSet.of(Kind.TEXT, Kind.TAGS)),
    LIKE("like", false, EnumSet.of(Kind.TEXT, Kind.TAGS));

    private final String operatorName;
    private final boolean takesList;
    private final Set<Kind> kinds;

    FilterOperator(String operatorName, boolean takesList, Set<Kind> kinds) {
        this.operatorName = operatorName;
        this.takesList = takesList;
        this.kinds = kinds;
    }

    public String operatorName() {
        return operatorName;
    }

    /** {@code in} and {@code nin} take one or more values; every other operator exactly one. */
    public boolean takesList() {
        return takesList;
    }

    public boolean appliesTo(Kind kind) {
        return kinds.contains(kind);
    }

    public static Optional<FilterOperator> named(String name) {
        return Arrays.stream(values()).filter(op -> op.operatorName.equals(name)).findFirst();
    }

    /** The operators a kind of field takes, comma-separated. */
    public static String namesFor(Kind kind) {
        return Arrays.stream(values()).filter(op -> op.appliesTo(kind)).map(FilterOperator::operatorName)
                .collect(Collectors.joining(", "));
    }

    public static String names() {
        return Arrays.stream(values()).map(FilterOperator::operatorName).collect(Collectors.joining(", "));
    }
}
