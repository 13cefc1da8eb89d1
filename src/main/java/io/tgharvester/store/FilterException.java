package io.tgharvester.store;

/**
 * A filter that cannot be read: the 1-based column where it stops making sense and why. The message is one line,
 * followed by the filter with a caret under that column. A usage error (exit code 2), like any bad argument.
 */
public final class FilterException extends IllegalArgumentException {
    private final int column;
    private final String reason;

    FilterException(String filter, int index, String reason) {
        super("bad filter at column " + (index + 1) + ": " + reason + System.lineSeparator()
                + "  " + filter.replaceAll("\\s", " ") + System.lineSeparator()
                + "  " + " ".repeat(index) + "^");
        this.column = index + 1;
        this.reason = reason;
    }

    /** Where the filter goes wrong, counting its first character as 1. */
    public int column() {
        return column;
    }

    /** What is wrong there, without the position. */
    public String reason() {
        return reason;
    }
}
