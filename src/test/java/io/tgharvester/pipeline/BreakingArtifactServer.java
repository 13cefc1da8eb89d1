package io.tgharvester.pipeline;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback HTTP server for one artifact whose transfers break: each request gets the next answer of a script
 * (whole, cut after so many bytes, the rest from the byte its Range asks for, a range other than asked, a transfer
 * that stalls). WireMock cannot cut a body part way through; the JDK's server drops the connection when an answer
 * ends short of its Content-Length, as a broken network does. Every other path is a 404.
 */
final class BreakingArtifactServer implements AutoCloseable {
    private static final Pattern BYTES_FROM = Pattern.compile("bytes=(\\d+)-");

    /** One scripted answer to a request for the artifact. */
    interface Answer {
        void send(HttpExchange exchange, byte[] artifact, long from) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final String path;
    private final byte[] artifact;
    private final Deque<Answer> script;
    private final List<Optional<String>> ranges = new ArrayList<>();

    BreakingArtifactServer(String sampleId, String name, byte[] artifact, Answer... script) throws IOException {
        this.path = "/api/v2/samples/" + sampleId + "/" + name;
        this.artifact = artifact;
        this.script = new ArrayDeque<>(List.of(script));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.setExecutor(workers);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The Range header of each request for the artifact, in arrival order. */
    synchronized List<Optional<String>> ranges() {
        return List.copyOf(ranges);
    }

    /** The whole artifact (200), whatever Range was asked for. */
    static Answer whole() {
        return cutAfter(Integer.MAX_VALUE);
    }

    /** The whole artifact announced (200), and the connection dropped after {@code bytes} of it. */
    static Answer cutAfter(int bytes) {
        return (exchange, artifact, from) -> send(exchange, 200, Optional.empty(), artifact, bytes);
    }

    /** The rest from the byte the Range asks for (206), as a file server answers. */
    static Answer rest() {
        return restCutAfter(Integer.MAX_VALUE);
    }

    /** The rest from the byte the Range asks for (206), dropped after {@code bytes} of it. */
    static Answer restCutAfter(int bytes) {
        return (exchange, artifact, from) -> send(exchange, 206, Optional.of("bytes " + from + "-"
                + (artifact.length - 1) + "/" + artifact.length), Arrays.copyOfRange(artifact, (int) from,
                artifact.length), bytes);
    }

    /** A 206 with the bytes from {@code first} to the end, labelled with that range and {@code total}. */
    static Answer range(int first, long total) {
        return (exchange, artifact, from) -> send(exchange, 206, Optional.of("bytes " + first + "-"
                + (artifact.length - 1) + "/" + total), Arrays.copyOfRange(artifact, first, artifact.length),
                Integer.MAX_VALUE);
    }

    /** The rest from the byte the Range asks for (206): {@code bytes} of it, then nothing until the server closes. */
    static Answer restThenStall(int bytes) {
        return (exchange, artifact, from) -> {
            byte[] rest = Arrays.copyOfRange(artifact, (int) from, artifact.length);
            exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (artifact.length - 1) + "/"
                    + artifact.length);
            exchange.sendResponseHeaders(206, rest.length);
            OutputStream out = exchange.getResponseBody();
            out.write(rest, 0, bytes);
            out.flush();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException closing) {
                Thread.currentThread().interrupt();
            }
        };
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals(path)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            String range = exchange.getRequestHeaders().getFirst("Range");
            Answer answer;
            synchronized (this) {
                ranges.add(Optional.ofNullable(range));
                answer = script.size() > 1 ? script.poll() : script.peek();
            }
            Matcher from = BYTES_FROM.matcher(range == null ? "" : range);
            answer.send(exchange, artifact, from.matches() ? Long.parseLong(from.group(1)) : 0);
        }
    }

    /** Announces all of {@code body} and writes at most {@code upTo} bytes of it. */
    private static void send(HttpExchange exchange, int status, Optional<String> contentRange, byte[] body,
                             int upTo) throws IOException {
        contentRange.ifPresent(value -> exchange.getResponseHeaders().set("Content-Range", value));
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body, 0, Math.min(upTo, body.length));
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
