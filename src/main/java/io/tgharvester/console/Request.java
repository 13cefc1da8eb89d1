package io.tgharvester.console;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the console reads of a request: its path split into decoded segments, its parameters and its cookies. */
record Request(String method, List<String> segments, Map<String, String> parameters, Map<String, String> cookies,
               Optional<String> authorization, Optional<String> host, String target) {
    /** A form bigger than this is no login form. */
    private static final int MAX_FORM_BYTES = 4096;

    static Request of(HttpExchange exchange) throws IOException {
        String rawPath = exchange.getRequestURI().getRawPath();
        List<String> segments = new ArrayList<>();
        for (String raw : rawPath.split("/")) {
            if (!raw.isEmpty()) {
                segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        Map<String, String> parameters = new HashMap<>(form(exchange.getRequestURI().getRawQuery()));
        if (exchange.getRequestMethod().equals("POST")) {
            try (InputStream body = exchange.getRequestBody()) {
                byte[] bytes = body.readNBytes(MAX_FORM_BYTES + 1);
                if (bytes.length > MAX_FORM_BYTES) {
                    throw new IllegalArgumentException("the form is too large");
                }
                parameters.putAll(form(new String(bytes, StandardCharsets.UTF_8)));
            }
        }
        String query = exchange.getRequestURI().getRawQuery();
        return new Request(exchange.getRequestMethod(), List.copyOf(segments), Map.copyOf(parameters),
                cookies(exchange.getRequestHeaders().getOrDefault("Cookie", List.of())),
                Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")),
                Optional.ofNullable(exchange.getRequestHeaders().getFirst("Host")),
                rawPath + (query == null ? "" : "?" + query));
    }

    /** A parameter's value, stripped; empty when it is missing or blank. */
    Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> values = new HashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return values;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            values.putIfAbsent(name, value);
        }
        return values;
    }

    private static Map<String, String> cookies(List<String> headers) {
        Map<String, String> cookies = new HashMap<>();
        for (String header : headers) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    cookies.putIfAbsent(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
                }
            }
        }
        return cookies;
    }
}
