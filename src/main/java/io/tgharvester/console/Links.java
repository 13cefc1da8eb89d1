package io.tgharvester.console;

import io.tgharvester.correlate.Indicator;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** The console's own URLs. Values are URL-encoded here; the HTML around them escapes the whole. */
final class Links {
    static final String OVERVIEW = "/";
    static final String SAMPLES = "/samples";
    static final String USERS = "/users";
    static final String FIND = "/find";
    static final String LOGIN = "/login";

    private Links() {
    }

    static String sample(String sampleId) {
        return SAMPLES + "/" + sampleId;
    }

    static String artifact(String sampleId, String name) {
        return sample(sampleId) + "/artifacts/" + encode(name);
    }

    /** Samples showing {@code value}, as {@code find} would list them. */
    static String find(Indicator indicator, String value) {
        return withQuery(FIND, Map.of("kind", kind(indicator), "value", value));
    }

    /** The name of an indicator in the Find form and its links: the find command's flag without the dashes. */
    static String kind(Indicator indicator) {
        return indicator.flag().substring(2);
    }

    static String withQuery(String path, Map<String, String> parameters) {
        Map<String, String> present = new LinkedHashMap<>();
        parameters.forEach((name, value) -> {
            if (value != null && !value.isEmpty()) {
                present.put(name, value);
            }
        });
        if (present.isEmpty()) {
            return path;
        }
        return path + "?" + present.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
