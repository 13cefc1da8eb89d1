package io.tgharvester.api;

import java.util.regex.Pattern;

/** Threat Grid sample ids are 32 lowercase hex characters; nothing else is trusted as a file or URL path segment. */
public final class SampleIds {
    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");

    private SampleIds() {
    }

    public static boolean isValid(String id) {
        return id != null && ID.matcher(id).matches();
    }
}
