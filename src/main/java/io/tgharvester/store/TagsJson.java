package io.tgharvester.store;

import com.squareup.moshi.Moshi;
import java.util.List;

/** Tags are stored as JSON array text, so SQL users can still match them with LIKE and tools can parse them. */
final class TagsJson {
    private static final com.squareup.moshi.JsonAdapter<List> ADAPTER = new Moshi.Builder().build().adapter(List.class);

    private TagsJson() {
    }

    static String of(List<String> tags) {
        return ADAPTER.toJson(tags);
    }
}
