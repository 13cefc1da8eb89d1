package io.tgharvester.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.squareup.moshi.Moshi;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Real HTTP calls to a running simulator; {@link #get} sends the key as {@code api_key}, {@link #raw} sends none. */
final class SimulatorCalls {
    private final HttpClient http = HttpClient.newHttpClient();
    private final ThreatGridSimulator simulator;
    private final String key;

    SimulatorCalls(ThreatGridSimulator simulator, String key) {
        this.simulator = simulator;
        this.key = key;
    }

    /** Sends {@code headers} as name, value pairs. */
    HttpResponse<byte[]> raw(String pathAndQuery, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(simulator.baseUrl() + pathAndQuery));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> get(String pathAndQuery) throws IOException, InterruptedException {
        return raw(withKey(pathAndQuery));
    }

    /** Like {@link #get}, but answers as soon as the headers have come, while the body may still be arriving. */
    HttpResponse<InputStream> streamed(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + withKey(pathAndQuery))).build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    private String withKey(String pathAndQuery) {
        return pathAndQuery + (pathAndQuery.contains("?") ? "&" : "?") + "api_key=" + key;
    }

    /** The {@code data} of a 200 envelope. */
    Object data(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = get(pathAndQuery);
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        return json(response.body()).get("data");
    }

    /** The items of one list call. */
    List<Map<?, ?>> items(String query) throws IOException, InterruptedException {
        @SuppressWarnings("unchecked")
        List<Map<?, ?>> items = (List<Map<?, ?>>) ((Map<?, ?>) data("/api/v2/samples?org_only=True" + query))
                .get("items");
        return items;
    }

    List<?> states(String idsJson) throws IOException, InterruptedException {
        return (List<?>) data("/api/v2/samples/state?ids=" + URLEncoder.encode(idsJson, StandardCharsets.UTF_8));
    }

    static Map<?, ?> json(byte[] body) throws IOException {
        return (Map<?, ?>) new Moshi.Builder().build().adapter(Object.class)
                .fromJson(new String(body, StandardCharsets.UTF_8));
    }
}
