package io.tgharvester.correlate;

import static io.tgharvester.correlate.JsonObjects.eachField;
import static io.tgharvester.correlate.JsonObjects.eachMember;
import static io.tgharvester.correlate.LenientValues.lowerText;
import static io.tgharvester.correlate.LenientValues.text;
import static io.tgharvester.correlate.LenientValues.whole;

import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonReader.Options;
import com.squareup.moshi.JsonWriter;
import io.tgharvester.correlate.CorrelationRows.ArtifactHash;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Optional;
import okio.Buffer;

/**
 * The {@code artifacts} section: files the analysis saw, keyed by number. {@code origin} says where a file came from
 * ({@code submitted}, {@code disk}, {@code memory}, {@code network}); {@code relation} is an object
 * ({@code contains}, {@code extracted_from}, {@code network}, {@code process}) tying it to other artifacts, network
 * sessions and processes.
 */
final class ArtifactSection {
    private static final Options ARTIFACT = Options.of("path", "sha256", "md5", "sha1", "size", "magic-type",
            "relation", "origin");

    private ArtifactSection() {
    }

    static void read(JsonReader in, CorrelationSink sink) throws IOException {
        eachMember(in, key -> artifact(in, sink));
    }

    private static void artifact(JsonReader in, CorrelationSink sink) throws IOException {
        Fields a = new Fields();
        boolean isArtifact = eachField(in, ARTIFACT, field -> {
            switch (field) {
                case 0 -> a.path = text(in);
                case 1 -> a.sha256 = lowerText(in);
                case 2 -> a.md5 = lowerText(in);
                case 3 -> a.sha1 = lowerText(in);
                case 4 -> a.size = whole(in);
                case 5 -> a.magic = text(in);
                case 6 -> a.relation = relation(in);
                default -> a.origin = text(in);
            }
        });
        if (isArtifact) {
            sink.artifactHash(new ArtifactHash(a.path, a.sha256, a.md5, a.sha1, a.size, a.magic, a.relation,
                    a.origin));
        }
    }

    /**
     * The relation object as compact JSON of its members that have a value, in the report's order, such as
     * {@code {"extracted_from":3,"process":[24]}}; empty when every member is null, as it is for most files.
     */
    private static Optional<String> relation(JsonReader in) throws IOException {
        if (in.peek() != JsonReader.Token.BEGIN_OBJECT) {
            return text(in).filter(s -> !s.isBlank());
        }
        Buffer buffer = new Buffer();
        boolean any = false;
        try (JsonWriter out = JsonWriter.of(buffer)) {
            out.beginObject();
            in.beginObject();
            while (in.hasNext()) {
                String name = in.nextName();
                if (in.peek() == JsonReader.Token.NULL) {
                    in.skipValue();
                } else {
                    out.name(name);
                    copy(in, out);
                    any = true;
                }
            }
            in.endObject();
            out.endObject();
        }
        return any ? Optional.of(buffer.readUtf8()) : Optional.empty();
    }

    /** Copies one value token by token, so numbers keep the report's spelling and nothing is indented. */
    private static void copy(JsonReader in, JsonWriter out) throws IOException {
        switch (in.peek()) {
            case BEGIN_ARRAY -> {
                in.beginArray();
                out.beginArray();
                while (in.hasNext()) {
                    copy(in, out);
                }
                in.endArray();
                out.endArray();
            }
            case BEGIN_OBJECT -> {
                in.beginObject();
                out.beginObject();
                while (in.hasNext()) {
                    out.name(in.nextName());
                    copy(in, out);
                }
                in.endObject();
                out.endObject();
            }
            case NUMBER -> out.value(new BigDecimal(in.nextString()));
            case BOOLEAN -> out.value(in.nextBoolean());
            case NULL -> {
                in.nextNull();
                out.nullValue();
            }
            default -> out.value(in.nextString());
        }
    }

    /** One artifact as far as it was read. */
    private static final class Fields {
        private Optional<String> path = Optional.empty();
        private Optional<String> sha256 = Optional.empty();
        private Optional<String> md5 = Optional.empty();
        private Optional<String> sha1 = Optional.empty();
        private Optional<Long> size = Optional.empty();
        private Optional<String> magic = Optional.empty();
        private Optional<String> relation = Optional.empty();
        private Optional<String> origin = Optional.empty();
    }
}
