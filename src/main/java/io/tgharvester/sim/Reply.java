package io.tgharvester.sim;

import com.sun.net.httpserver.HttpExchange;
import io.tgharvester.sim.FaultPlan.Fault;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The answer to one request in Threat Grid's formats: JSON envelopes carrying the request's number, error envelopes,
 * raw artifact bodies. A fault drawn for the request may spoil a successful answer the way a broken network does.
 */
final class Reply {
    private static final Pattern BYTES_FROM = Pattern.compile("bytes=(\\d{1,9})-");
    private static final int PACED_SLICES = 8;

    private final HttpExchange exchange;
    private final int requestId;
    private final Fault fault;

    Reply(HttpExchange exchange, int requestId, Fault fault) {
        this.exchange = exchange;
        this.requestId = requestId;
        this.fault = fault;
    }

    int requestId() {
        return requestId;
    }

    void header(String name, String value) {
        exchange.getResponseHeaders().set(name, value);
    }

    /** {@code {"api_version": 2, "id": n, "data": data}}; a malformed fault cuts the document short. */
    void data(Object data) throws IOException {
        byte[] json = Json.compact(Json.object("api_version", 2, "id", requestId, "data", data));
        byte[] sent = fault == Fault.MALFORMED ? Arrays.copyOf(json, json.length * 2 / 3) : json;
        send(200, "application/json", sent, sent.length);
    }

    void error(int code, String message) throws IOException {
        error(code, code, message);
    }

    /** An error envelope under another status than its code: 200, for the servers that report errors so. */
    void error(int status, int code, String message) throws IOException {
        byte[] json = Json.compact(Json.object("api_version", 2, "id", requestId, "error", Json.object(
                "code", code, "message", message, "errors", List.of(Json.object("code", code, "message", message)))));
        send(status, "application/json", json, json.length);
    }

    /**
     * A raw download, as an HTTP server or CDN serves a file: whole (200), or from the byte a {@code Range:
     * bytes=<first>-} asks for (206 with its Content-Range; 416 from beyond the end). Other range forms are ignored,
     * as the HTTP rules allow. Its bytes are spread over {@code pace}, as a slow link would; a truncation fault stops
     * half way although Content-Length promised it all.
     */
    void body(String contentType, byte[] bytes, Duration pace) throws IOException {
        header("Accept-Ranges", "bytes");
        Matcher range = BYTES_FROM.matcher(Objects.toString(exchange.getRequestHeaders().getFirst("Range"), ""));
        if (!range.matches()) {
            send(200, contentType, bytes, fault == Fault.TRUNCATED ? bytes.length / 2 : bytes.length, pace);
            return;
        }
        int first = Integer.parseInt(range.group(1));
        if (first >= bytes.length) {
            header("Content-Range", "bytes */" + bytes.length);
            send(416, contentType, new byte[0], 0);
            return;
        }
        byte[] rest = Arrays.copyOfRange(bytes, first, bytes.length);
        header("Content-Range", "bytes " + first + "-" + (bytes.length - 1) + "/" + bytes.length);
        send(206, contentType, rest, fault == Fault.TRUNCATED ? rest.length / 2 : rest.length, pace);
    }

    private void send(int code, String contentType, byte[] bytes, int written) throws IOException {
        send(code, contentType, bytes, written, Duration.ZERO);
    }

    /**
     * Announces all of {@code bytes} as Content-Length and writes the first {@code written} of them: at once, or in
     * slices with pauses between them that add up to {@code pace}.
     */
    private void send(int code, String contentType, byte[] bytes, int written, Duration pace) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        // The JDK server reads a length of 0 as "chunked"; -1 means no body.
        exchange.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
        int slices = pace.isZero() ? 1 : PACED_SLICES;
        long started = System.nanoTime();
        try (OutputStream out = exchange.getResponseBody()) {
            for (int slice = 0; slice < slices; slice++) {
                if (slice > 0) {
                    // to a point in time, so that the pauses add up to the whole pace however each one rounds
                    pauseUntil(started + pace.toNanos() * slice / (slices - 1));
                }
                int from = (int) ((long) written * slice / slices);
                int to = (int) ((long) written * (slice + 1) / slices);
                out.write(bytes, from, to - from);
                out.flush();
            }
        }
    }

    /** A simulator shutting down ends a paced answer where it is, as a server going away would. */
    private static void pauseUntil(long nanoTime) throws IOException {
        try {
            for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
                Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("the simulator stopped during a paced answer");
        }
    }
}
