package io.tgharvester.api;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The byte range a 206 answer holds, from its {@code Content-Range: bytes <first>-<last>/<total>} header; the total is
 * absent when the server wrote {@code *}.
 */
public record ContentRange(long first, long last, OptionalLong total) {
    private static final Pattern BYTES = Pattern.compile("bytes\\s+(\\d{1,18})-(\\d{1,18})/(\\d{1,18}|\\*)",
            Pattern.CASE_INSENSITIVE);

    public ContentRange {
        if (first < 0 || last < first || (total.isPresent() && total.getAsLong() <= last)) {
            throw new IllegalArgumentException("not a byte range: " + first + "-" + last + "/" + total);
        }
    }

    /** The range of a header, or empty when it holds no single satisfied byte range. */
    static Optional<ContentRange> parse(String header) {
        Matcher m = header == null ? null : BYTES.matcher(header.trim());
        if (m == null || !m.matches()) {
            return Optional.empty();
        }
        OptionalLong total = m.group(3).equals("*") ? OptionalLong.empty()
                : OptionalLong.of(Long.parseLong(m.group(3)));
        try {
            return Optional.of(new ContentRange(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), total));
        } catch (IllegalArgumentException unsatisfiable) {
            return Optional.empty();
        }
    }

    /**
     * Whether these bytes carry on exactly where {@code held} bytes end, of a file whose total length, where both
     * sides know it, is the same.
     */
    public boolean continues(long held, OptionalLong expectedTotal) {
        return first == held && (total.isEmpty() || expectedTotal.isEmpty()
                || total.getAsLong() == expectedTotal.getAsLong());
    }

    @Override
    public String toString() {
        return "bytes " + first + "-" + last + "/" + (total.isPresent() ? String.valueOf(total.getAsLong()) : "*");
    }
}
