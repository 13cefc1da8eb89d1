package io.tgharvester.store;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** Tags are stored as JSON array text, so SQL users can still match them with LIKE and tools can parse them. */
final class TagsJson {
    private static final JsonAdapter<List<String>> ADAPTER =
            new Moshi.Builder().build().adapter(Types.newParameterizedType(List.class, String.class));

    private TagsJson() {
    }

    static String of(List<String> tags) {
        return ADAPTER.toJson(tags);
    }

    /** The tags of a stored column; none for NULL or text that is not a JSON array of strings. */
    static List<String> parse(Optional<String> json) {
        if (json.isEmpty()) {
            return List.of();
        }
        try {
            List<String> tags = ADAPTER.fromJson(json.get());
            return tags == null ? List.of() : tags.stream().filter(t -> t != null).toList();
        } catch (IOException | JsonDataException e) {
            return List.of();
        }
    }
}
