package io.tgharvester.correlate;

import static io.tgharvester.correlate.LenientValues.enterArray;
import static io.tgharvester.correlate.LenientValues.enterObject;
import static io.tgharvester.correlate.LenientValues.epochSeconds;
import static io.tgharvester.correlate.LenientValues.integer;
import static io.tgharvester.correlate.LenientValues.text;
import static io.tgharvester.correlate.LenientValues.whole;

import com.squareup.moshi.JsonReader;
import io.tgharvester.correlate.CorrelationRows.NetworkFlow;
import io.tgharvester.correlate.CorrelationRows.Url;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code network} section: sessions keyed by number, each a flow, with the HTTP requests seen in it. */
final class NetworkSection {
    private NetworkSection() {
    }

    static void read(JsonReader in, CorrelationSink sink) throws IOException {
        if (!enterObject(in)) {
            return;
        }
        while (in.hasNext()) {
            in.nextName();
            session(in, sink);
        }
        in.endObject();
    }

    private static void session(JsonReader in, CorrelationSink sink) throws IOException {
        if (!enterObject(in)) {
            return;
        }
        Optional<String> src = Optional.empty();
        Optional<String> dst = Optional.empty();
        Optional<String> transport = Optional.empty();
        Optional<String> service = Optional.empty();
        Optional<Integer> srcPort = Optional.empty();
        Optional<Integer> dstPort = Optional.empty();
        Optional<Long> bytesOrig = Optional.empty();
        Optional<Long> bytesResp = Optional.empty();
        Optional<Instant> begin = Optional.empty();
        Optional<Instant> end = Optional.empty();
        // A session's requests may precede its dst key, so they wait for the session's end to get their host.
        List<HttpRequest> requests = new ArrayList<>();
        while (in.hasNext()) {
            switch (in.nextName()) {
                case "src" -> src = text(in);
                case "dst" -> dst = text(in);
                case "src_port" -> srcPort = integer(in);
                case "dst_port" -> dstPort = integer(in);
                case "transport" -> transport = text(in);
                case "service" -> service = text(in);
                case "bytes_orig" -> bytesOrig = whole(in);
                case "bytes_resp" -> bytesResp = whole(in);
                case "ts_begin" -> begin = epochSeconds(in);
                case "ts_end" -> end = epochSeconds(in);
                case "http" -> http(in, requests);
                default -> in.skipValue();
            }
        }
        in.endObject();
        sink.flow(new NetworkFlow(src, srcPort, dst, dstPort, transport, service, bytesOrig, bytesResp, begin, end));
        for (HttpRequest request : requests) {
            request.url(dst, dstPort).ifPresent(url -> sink.url(new Url(url, request.method, request.status)));
        }
    }

    private static void http(JsonReader in, List<HttpRequest> requests) throws IOException {
        if (!enterArray(in)) {
            return;
        }
        while (in.hasNext()) {
            if (enterObject(in)) {
                requests.add(request(in));
                in.endObject();
            }
        }
        in.endArray();
    }

    private static HttpRequest request(JsonReader in) throws IOException {
        HttpRequest request = new HttpRequest();
        while (in.hasNext()) {
            switch (in.nextName()) {
                case "method" -> request.method = text(in);
                case "uri", "url", "path" -> request.uri = text(in);
                case "host" -> request.host = text(in);
                case "status", "status_code", "response_code" -> request.status = integer(in);
                default -> in.skipValue();
            }
        }
        return request;
    }

    /** One HTTP transaction of a session, as far as it was read. */
    private static final class HttpRequest {
        private Optional<String> method = Optional.empty();
        private Optional<String> uri = Optional.empty();
        private Optional<String> host = Optional.empty();
        private Optional<Integer> status = Optional.empty();

        /** An absolute URL: the URI as given when absolute, else joined to the Host header or the session's dst. */
        Optional<String> url(Optional<String> dst, Optional<Integer> dstPort) {
            if (uri.isEmpty() || uri.get().isBlank()) {
                return Optional.empty();
            }
            String u = uri.get();
            if (u.startsWith("http://") || u.startsWith("https://")) {
                return Optional.of(u);
            }
            Optional<String> authority = host.filter(h -> !h.isBlank())
                    .or(() -> dst.map(ip -> dstPort.filter(p -> p != 80).map(p -> ip + ":" + p).orElse(ip)));
            return authority.map(a -> "http://" + a + (u.startsWith("/") ? u : "/" + u));
        }
    }
}
