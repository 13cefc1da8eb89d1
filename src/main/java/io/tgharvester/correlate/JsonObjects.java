package io.tgharvester.correlate;

import static io.tgharvester.correlate.LenientValues.enterArray;
import static io.tgharvester.correlate.LenientValues.enterObject;

import com.squareup.moshi.JsonReader;
import java.io.IOException;

/**
 * Walks JSON objects and arrays the way Moshi's own {@code ClassJsonAdapter} does: an object's fields are matched
 * against {@link JsonReader.Options} with {@code selectName}, and whatever is not among them is skipped with
 * {@code skipName(); skipValue()}. A value of another type than the walk expects is skipped, so parsing goes on.
 */
final class JsonObjects {
    private JsonObjects() {
    }

    /** Reads (or skips) the value of one field, given its index in the options; the reader is positioned at it. */
    @FunctionalInterface
    interface FieldReader {
        void read(int field) throws IOException;
    }

    /** Reads (or skips) the value of one member of an object keyed by number or by name, given the key. */
    @FunctionalInterface
    interface MemberReader {
        void read(String key) throws IOException;
    }

    /** Reads (or skips) one element of an array; the reader is positioned at it. */
    @FunctionalInterface
    interface ElementReader {
        void read() throws IOException;
    }

    /**
     * For each field of this object that {@code names} lists, calls {@code reader} with the field's index. Returns
     * whether the value was an object at all.
     */
    static boolean eachField(JsonReader in, JsonReader.Options names, FieldReader reader) throws IOException {
        if (!enterObject(in)) {
            return false;
        }
        while (in.hasNext()) {
            int field = in.selectName(names);
            if (field == -1) {
                in.skipName();
                in.skipValue();
            } else {
                reader.read(field);
            }
        }
        in.endObject();
        return true;
    }

    /** For each member of an object whose keys are data (session numbers, domain names), as a map is read. */
    static void eachMember(JsonReader in, MemberReader reader) throws IOException {
        if (!enterObject(in)) {
            return;
        }
        while (in.hasNext()) {
            reader.read(in.nextName());
        }
        in.endObject();
    }

    static void eachElement(JsonReader in, ElementReader reader) throws IOException {
        if (!enterArray(in)) {
            return;
        }
        while (in.hasNext()) {
            reader.read();
        }
        in.endArray();
    }
}
