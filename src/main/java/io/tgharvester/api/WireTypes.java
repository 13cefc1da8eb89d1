package io.tgharvester.api;

import java.util.List;
import java.util.Map;

/**
 * Threat Grid's JSON envelopes. Items stay generic here and are mapped one by one, so that one bad item
 * never costs the rest of a page. Public only because Moshi binds records reflectively.
 */
public final class WireTypes {
    private WireTypes() {
    }

    public record ListEnvelope(Map<String, Object> data) {
    }

    public record StateEnvelope(List<Object> data) {
    }

    public record ErrorEnvelope(ErrorBody error) {
    }

    public record ErrorBody(Double code, String message) {
    }
}
