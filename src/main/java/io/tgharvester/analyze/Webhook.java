package io.tgharvester.analyze;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * POSTs alerts to a webhook URL as {@code application/json}. Anything but a 2xx answer within the timeout is a
 * failure, for the caller to retry. Errors name the webhook by scheme, host and port only: its path or query often
 * holds the hook's secret.
 */
final class Webhook implements AutoCloseable {
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

    private final HttpUrl url;
    private final OkHttpClient http;

    Webhook(URI url, Duration timeout) {
        this.url = HttpUrl.get(url.toString());
        // A redirect is answered as a failure rather than followed: OkHttp would turn the POST of a 301/302 into a GET.
        this.http = new OkHttpClient.Builder().callTimeout(timeout).connectTimeout(timeout).readTimeout(timeout)
                .followRedirects(false).build();
    }

    void post(String json) throws IOException {
        Request request = new Request.Builder().url(url).post(RequestBody.create(json, JSON)).build();
        Response answer;
        try {
            answer = http.newCall(request).execute();
        } catch (IOException e) {
            throw new IOException("webhook " + origin() + " did not answer: " + AnalyzerPlugins.describe(e), e);
        }
        try (answer) {
            if (!answer.isSuccessful()) {
                throw new IOException("webhook " + origin() + " answered HTTP " + answer.code());
            }
        }
    }

    /** Where the webhook is, without the path and query that may hold its secret. */
    String origin() {
        return url.scheme() + "://" + url.host() + ":" + url.port();
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
