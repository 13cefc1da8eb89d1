package io.tgharvester.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The console's own style sheets and script, from the jar: a fixed set of names, so no path is ever looked up. */
final class StaticFiles {
    private static final Map<String, String> TYPES = Map.of(
            "console.css", "text/css; charset=utf-8",
            "nav.css", "text/css; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8");

    private final Map<String, byte[]> contents = new HashMap<>();

    StaticFiles() {
        TYPES.keySet().forEach(name -> contents.put(name, read(name)));
    }

    Optional<Response> respond(String name) {
        return Optional.ofNullable(contents.get(name)).map(bytes -> new Response(200, TYPES.get(name),
                Map.of("Content-Security-Policy", Response.PAGE_POLICY, "Cache-Control", "max-age=300"), bytes,
                Optional.empty()));
    }

    private static byte[] read(String name) {
        try (InputStream in = StaticFiles.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                throw new IllegalStateException("console/" + name + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read console/" + name, e);
        }
    }
}
