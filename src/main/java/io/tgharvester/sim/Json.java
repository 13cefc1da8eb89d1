package io.tgharvester.sim;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The simulator's one way to write JSON. Objects keep their insertion order, so the same sample gives the same bytes
 * in every run (the JDK's {@code Map.of} iterates in a per-run order).
 */
final class Json {
    private static final JsonAdapter<Object> COMPACT = new Moshi.Builder().build().adapter(Object.class)
            .serializeNulls();
    private static final JsonAdapter<Object> INDENTED = COMPACT.indent("  ");

    private Json() {
    }

    /** An ordered JSON object from alternating names and values. */
    static Map<String, Object> object(Object... namesAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return map;
    }

    /** API answers: one line, as the service sends them. */
    static byte[] compact(Object value) {
        return COMPACT.toJson(value).getBytes(StandardCharsets.UTF_8);
    }

    /** Report files: indented, as Threat Grid's downloads are. */
    static byte[] indented(Object value) {
        return INDENTED.toJson(value).getBytes(StandardCharsets.UTF_8);
    }
}
