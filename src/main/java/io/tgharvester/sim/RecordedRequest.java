package io.tgharvester.sim;

import java.util.List;
import java.util.Map;

/** A request as the simulator received it; {@code rawQuery} exactly as sent (null when there was none). */
public record RecordedRequest(String method, String path, String rawQuery, Map<String, List<String>> headers) {
    public RecordedRequest {
        headers = Map.copyOf(headers);
    }
}
