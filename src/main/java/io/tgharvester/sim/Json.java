package io.tgharvester.sim;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import java.io.ByteArrayOutputStream;
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

    /**
     * The JSON object {@code json} grown to about {@code size} bytes by a last member, {@code "padding"}, holding
     * base64 noise: bulk that readers skip as any unknown key. Unchanged when it is that large already.
     */
    static byte[] padded(byte[] json, int size, Noise noise) {
        String open = ",\n  \"padding\": \"";
        String close = "\"\n}";
        int fill = size - json.length - open.length() - close.length();
        if (fill <= 0) {
            return json;
        }
        int end = new String(json, StandardCharsets.UTF_8).stripTrailing().lastIndexOf('}');
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.write(json, 0, end);
        out.writeBytes(open.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(noise.base64(fill - fill % 4));
        out.writeBytes(close.getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
