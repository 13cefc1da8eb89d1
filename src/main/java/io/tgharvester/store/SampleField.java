package io.tgharvester.store;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The fields of a sample that {@code samples} lists, filters and orders by: the only names that reach its SQL, each
 * mapped to its column in {@code samples}, so no user text is ever spliced into a statement.
 */
public enum SampleField {
    ID("id", Kind.TEXT),
    SUBMITTED_AT("submitted_at", Kind.TIME),
    LOGIN("login", Kind.TEXT),
    STATE("state", Kind.TEXT),
    STATUS("status", Kind.TEXT),
    FILENAME("filename", Kind.TEXT),
    SHA256("sha256", Kind.TEXT),
    MD5("md5", Kind.TEXT),
    SHA1("sha1", Kind.TEXT),
    TAGS("tags", Kind.TAGS),
    VM("vm", Kind.TEXT),
    OS("os", Kind.TEXT),
    PLAYBOOK("playbook", Kind.TEXT),
    PRIVATE("private", "is_private", Kind.BOOLEAN),
    ORGANIZATION_ID("organization_id", Kind.NUMBER),
    SUBMISSION_ID("submission_id", Kind.NUMBER),
    STARTED_AT("started_at", Kind.TIME),
    COMPLETED_AT("completed_at", Kind.TIME),
    FINISHED_AT("finished_at", Kind.TIME),
    FIRST_SEEN_AT("first_seen_at", Kind.TIME),
    LAST_CHECKED_AT("last_checked_at", Kind.TIME),
    CONNECTION("connection", Kind.TEXT);

    /** What a field holds, which decides the operators it takes and how its values are read. */
    public enum Kind { TEXT, NUMBER, TIME, BOOLEAN, TAGS }

    private final String fieldName;
    private final String column;
    private final Kind kind;

    SampleField(String fieldName, Kind kind) {
        this(fieldName, fieldName, kind);
    }

    SampleField(String fieldName, String column, Kind kind) {
        this.fieldName = fieldName;
        this.column = column;
        this.kind = kind;
    }

    /** The name users write and output columns carry. */
    public String fieldName() {
        return fieldName;
    }

    String column() {
        return column;
    }

    public Kind kind() {
        return kind;
    }

    public static Optional<SampleField> named(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.fieldName.equals(wanted)).findFirst();
    }

    /** Every field name, comma-separated, for error messages and help. */
    public static String names() {
        return Arrays.stream(values()).map(SampleField::fieldName).collect(Collectors.joining(", "));
    }
}
