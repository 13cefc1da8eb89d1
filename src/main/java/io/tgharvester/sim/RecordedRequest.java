package io.tgharvester.sim;

import com.sun.net.httpserver.HttpExchange;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A request as the simulator received it: {@code rawQuery} exactly as sent (null when there was none), header names
 * as the JDK server normalizes them ({@code Authorization}).
 */
public record RecordedRequest(String method, String path, String rawQuery, Map<String, List<String>> headers) {
    public RecordedRequest {
        headers = headers.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> List.copyOf(e.getValue())));
    }

    static RecordedRequest of(HttpExchange exchange) {
        return new RecordedRequest(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders());
    }
}
