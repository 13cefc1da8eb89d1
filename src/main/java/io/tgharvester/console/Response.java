package io.tgharvester.console;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the console answers: a status, a content type, headers, and a body, either bytes or a file to stream. Every
 * answer gets the security headers of {@link ConsoleServer}; a page may loosen its style policy (the users
 * report's inline styles and charts), never its sources.
 */
record Response(int status, String contentType, Map<String, String> headers, byte[] body,
                Optional<Path> file) {
    static final String HTML = "text/html; charset=utf-8";
    static final String TEXT = "text/plain; charset=utf-8";
    /** Console pages: everything from the console itself, no inline script, no frames, forms only to us. */
    static final String PAGE_POLICY = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:;"
            + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    /** The users report carries its CSS and its charts' styles inline; still nothing from anywhere else. */
    static final String REPORT_POLICY = PAGE_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");
    /** An artifact: never run, never framed, whatever a browser makes of it. */
    static final String ATTACHMENT_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox";

    static Response page(int status, Markup page) {
        return new Response(status, HTML, Map.of("Content-Security-Policy", PAGE_POLICY),
                page.html().getBytes(StandardCharsets.UTF_8), Optional.empty());
    }

    static Response text(int status, String text) {
        return new Response(status, TEXT, Map.of("Content-Security-Policy", PAGE_POLICY),
                text.getBytes(StandardCharsets.UTF_8), Optional.empty());
    }

    static Response redirect(String location) {
        return new Response(303, TEXT, Map.of("Location", location, "Content-Security-Policy", PAGE_POLICY),
                new byte[0], Optional.empty());
    }

    Response withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Response(status, contentType, Map.copyOf(more), body, file);
    }
}
