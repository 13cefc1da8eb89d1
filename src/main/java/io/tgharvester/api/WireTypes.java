package io.tgharvester.api;

import java.util.List;
import java.util.Map;

/**
 * Threat Grid's JSON envelopes. Items stay generic here and are mapped one by one, so that one bad item
 * never costs the rest of a page.
 */
final class WireTypes {
    private WireTypes() {
    }

    record ListEnvelope(Map<String, Object> data) {
    }

    record StateEnvelope(List<Object> data) {
    }

    record ErrorEnvelope(ErrorBody error) {
    }

    record ErrorBody(Double code, String message) {
    }
}
