package io.tgharvester;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP proxy on loopback that opens CONNECT tunnels, as corporate proxies do for HTTPS: it counts the tunnels
 * it opened and the requests it refused, remembers where each tunnel went and what Proxy-Authorization it was sent,
 * and can demand Basic credentials (answering 407 otherwise). It tunnels only to loopback addresses.
 */
public final class TunnelProxy implements AutoCloseable {
    private final ServerSocket server;
    private final Optional<String> requiredAuthorization;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tunnel-proxy");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger refusals = new AtomicInteger();
    private final List<String> tunnelTargets = Collections.synchronizedList(new ArrayList<>());
    private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());

    private TunnelProxy(Optional<String> requiredAuthorization) throws IOException {
        this.requiredAuthorization = requiredAuthorization;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    /** A proxy that tunnels for anyone. */
    public static TunnelProxy open() throws IOException {
        return new TunnelProxy(Optional.empty());
    }

    /** A proxy that tunnels only for requests with these Basic credentials. */
    public static TunnelProxy demanding(String user, String password) throws IOException {
        return new TunnelProxy(Optional.of("Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8))));
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    public int port() {
        return server.getLocalPort();
    }

    /** How many tunnels it opened. */
    public int tunnels() {
        return tunnelTargets.size();
    }

    /** The host:port of each tunnel it opened, in order. */
    public List<String> tunnelTargets() {
        return List.copyOf(tunnelTargets);
    }

    /** How many requests it answered with 407 (or refused otherwise). */
    public int refusals() {
        return refusals.get();
    }

    /** Every Proxy-Authorization header it received. */
    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                threads.execute(() -> serve(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            List<String> head = readHead(client.getInputStream());
            if (head.isEmpty()) {
                return;
            }
            String[] requestLine = head.get(0).split(" ");
            Optional<String> authorization = head.stream().skip(1)
                    .filter(h -> h.toLowerCase(Locale.ROOT).startsWith("proxy-authorization:"))
                    .map(h -> h.substring(h.indexOf(':') + 1).strip()).findFirst();
            authorization.ifPresent(authorizations::add);
            OutputStream out = client.getOutputStream();
            if (requestLine.length < 2 || !requestLine[0].equals("CONNECT")) {
                refuse(out, "405 Method Not Allowed", "");
                return;
            }
            if (requiredAuthorization.isPresent() && !requiredAuthorization.equals(authorization)) {
                refuse(out, "407 Proxy Authentication Required", "Proxy-Authenticate: Basic realm=\"tg-test\"\r\n");
                return;
            }
            String target = requestLine[1];
            int colon = target.lastIndexOf(':');
            String host = target.substring(0, colon);
            if (!host.equals("127.0.0.1") && !host.equals("localhost")) {
                refuse(out, "403 Forbidden", "");
                return;
            }
            try (Socket upstream = new Socket(host, Integer.parseInt(target.substring(colon + 1)))) {
                out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                tunnelTargets.add(target);
                threads.execute(() -> pipe(upstream, client));
                pipe(client, upstream);
            }
        } catch (IOException ended) {
            // the client or the server closed its side
        }
    }

    private void refuse(OutputStream out, String status, String headers) throws IOException {
        refusals.incrementAndGet();
        out.write(("HTTP/1.1 " + status + "\r\n" + headers + "Content-Length: 0\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** The request line and headers, read a byte at a time so that nothing of the tunnel's bytes is taken. */
    private static List<String> readHead(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        List<String> lines = new ArrayList<>();
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b != '\n') {
                line.write(b);
                continue;
            }
            String text = line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
            line.reset();
            if (text.isEmpty()) {
                return lines;
            }
            lines.add(text);
        }
        return List.of();
    }

    private static void pipe(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException ended) {
            // either side closed
        } finally {
            try {
                to.shutdownOutput();
            } catch (IOException alreadyClosed) {
                // nothing left to tell
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
