package io.tgharvester.console;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Real HTTP to a console under test, with the JDK's client; it follows no redirect, so tests see them. */
final class ConsoleClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final URI base;

    ConsoleClient(int port) {
        this.base = URI.create("http://127.0.0.1:" + port);
    }

    /** GET {@code target} (a path and query, as sent: already encoded), with header name/value pairs. */
    HttpResponse<String> get(String target, String... headers) throws IOException, InterruptedException {
        return http.send(request(target, headers).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> bytes(String target, String... headers) throws IOException, InterruptedException {
        return http.send(request(target, headers).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** POST an urlencoded form. */
    HttpResponse<String> post(String target, String form, String... headers)
            throws IOException, InterruptedException {
        return http.send(request(target, headers).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String target, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(target)).timeout(Duration.ofSeconds(20));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder;
    }
}
