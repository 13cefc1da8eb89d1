package io.tgharvester.correlate;

import static io.tgharvester.correlate.JsonObjects.eachElement;
import static io.tgharvester.correlate.JsonObjects.eachField;
import static io.tgharvester.correlate.JsonObjects.eachMember;
import static io.tgharvester.correlate.LenientValues.epochSeconds;
import static io.tgharvester.correlate.LenientValues.integer;
import static io.tgharvester.correlate.LenientValues.text;
import static io.tgharvester.correlate.LenientValues.whole;

import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonReader.Options;
import io.tgharvester.correlate.CorrelationRows.NetworkFlow;
import io.tgharvester.correlate.CorrelationRows.Url;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code network} section: sessions keyed by number, each a flow. A session's {@code decoded} entries hold what
 * Threat Grid decoded of its protocol (see src/test/resources/analysis/SOURCES):
 * <ul>
 *   <li>HTTP: a {@code type: "request"} entry ({@code url}, {@code host}, {@code port}, {@code method},
 *       {@code request_path}, {@code headers}) followed by a {@code type: "response"} entry whose
 *       {@code status_code} is the request's status. Each request becomes a {@code urls} row.</li>
 *   <li>DNS: a {@code query} ({@code query_data}, {@code query_id}) and its {@code answers[]} ({@code answer_id},
 *       {@code answer_type}, {@code answer_data}); the A and AAAA answers are the addresses the name resolved to.</li>
 * </ul>
 */
final class NetworkSection {
    private static final Options SESSION = Options.of("src", "src_port", "dst", "dst_port", "transport", "service",
            "protocol", "bytes_orig", "bytes_resp", "ts_begin", "ts_end", "decoded");
    private static final Options ENTRY = Options.of("type", "url", "host", "port", "method", "request_path",
            "headers", "status_code", "query", "answers");
    private static final Options HEADERS = Options.of("host");
    private static final Options QUERY = Options.of("query_data", "query_id");
    private static final Options ANSWER = Options.of("answer_data", "answer_type", "answer_id");
    private static final Set<String> ADDRESS_RECORDS = Set.of("a", "aaaa", "1", "28");

    private NetworkSection() {
    }

    static void read(JsonReader in, CorrelationSink sink, DomainRows domains) throws IOException {
        eachMember(in, key -> session(in, sink, domains));
        domains.networkRead();
    }

    private static void session(JsonReader in, CorrelationSink sink, DomainRows domains) throws IOException {
        Session s = new Session();
        boolean isSession = eachField(in, SESSION, field -> {
            switch (field) {
                case 0 -> s.src = text(in);
                case 1 -> s.srcPort = integer(in);
                case 2 -> s.dst = text(in);
                case 3 -> s.dstPort = integer(in);
                case 4 -> s.transport = text(in);
                case 5 -> s.service = text(in);
                case 6 -> s.protocol = text(in);
                case 7 -> s.bytesOrig = whole(in);
                case 8 -> s.bytesResp = whole(in);
                case 9 -> s.begin = epochSeconds(in);
                case 10 -> s.end = epochSeconds(in);
                default -> entries(in, s, domains);
            }
        });
        if (!isSession) {
            return;
        }
        // The service is the protocol in lower case (http, dns); the upper-case protocol stands in where it is missing.
        Optional<String> protocol = s.service.or(() -> s.protocol.map(p -> p.toLowerCase(Locale.ROOT)));
        sink.flow(new NetworkFlow(s.src, s.srcPort, s.dst, s.dstPort, s.transport, protocol, s.bytesOrig,
                s.bytesResp, s.begin, s.end));
        for (Entry request : s.requests) {
            request.url(s).ifPresent(url -> sink.url(new Url(url, request.method, request.host(s),
                    request.responseStatus)));
        }
    }

    /**
     * The public clients read {@code decoded} as a list of entries, as a list of lists and as an object keyed by
     * number; a single entry is taken as well. Entries are read in document order, so responses follow requests.
     */
    private static void entries(JsonReader in, Session session, DomainRows domains) throws IOException {
        switch (in.peek()) {
            case BEGIN_ARRAY -> eachElement(in, () -> entries(in, session, domains));
            case BEGIN_OBJECT -> {
                if (keyedByNumber(in)) {
                    eachMember(in, key -> entries(in, session, domains));
                } else {
                    entry(in, session, domains);
                }
            }
            default -> in.skipValue();
        }
    }

    /** Looks at the object's first key without consuming anything. */
    private static boolean keyedByNumber(JsonReader in) throws IOException {
        try (JsonReader ahead = in.peekJson()) {
            ahead.beginObject();
            if (!ahead.hasNext()) {
                return false;
            }
            String key = ahead.nextName();
            return !key.isEmpty() && key.chars().allMatch(c -> c >= '0' && c <= '9');
        }
    }

    private static void entry(JsonReader in, Session session, DomainRows domains) throws IOException {
        Entry e = new Entry();
        eachField(in, ENTRY, field -> {
            switch (field) {
                case 0 -> e.type = text(in).map(t -> t.toLowerCase(Locale.ROOT));
                case 1 -> e.url = text(in);
                case 2 -> e.host = text(in);
                case 3 -> e.port = integer(in);
                case 4 -> e.method = text(in);
                case 5 -> e.requestPath = text(in);
                case 6 -> eachField(in, HEADERS, header -> e.hostHeader = text(in));
                case 7 -> e.statusCode = integer(in);
                case 8 -> eachField(in, QUERY, q -> {
                    if (q == 0) {
                        e.queryName = text(in);
                    } else {
                        e.queryId = text(in);
                    }
                });
                default -> eachElement(in, () -> answer(in, e));
            }
        });
        if (e.type.equals(Optional.of("request"))) {
            session.requests.add(e);
        } else if (e.type.equals(Optional.of("response"))) {
            session.respond(e.statusCode);
        }
        if (e.queryName.isPresent()) {
            domains.answered(e.queryName.get(), e.addresses());
        }
    }

    private static void answer(JsonReader in, Entry e) throws IOException {
        Answer a = new Answer();
        boolean isAnswer = eachField(in, ANSWER, field -> {
            switch (field) {
                case 0 -> a.data = text(in);
                case 1 -> a.type = text(in);
                default -> a.id = text(in);
            }
        });
        if (isAnswer) {
            e.answers.add(a);
        }
    }

    /** One network session as far as it was read; its requests wait for its end to learn their host and port. */
    private static final class Session {
        private Optional<String> src = Optional.empty();
        private Optional<String> dst = Optional.empty();
        private Optional<String> transport = Optional.empty();
        private Optional<String> service = Optional.empty();
        private Optional<String> protocol = Optional.empty();
        private Optional<Integer> srcPort = Optional.empty();
        private Optional<Integer> dstPort = Optional.empty();
        private Optional<Long> bytesOrig = Optional.empty();
        private Optional<Long> bytesResp = Optional.empty();
        private Optional<Instant> begin = Optional.empty();
        private Optional<Instant> end = Optional.empty();
        private final List<Entry> requests = new ArrayList<>();
        private int responded;

        /** Responses come in the order of their requests, as HTTP/1.1 sends them on one connection. */
        void respond(Optional<Integer> status) {
            if (responded < requests.size()) {
                requests.get(responded++).responseStatus = status;
            }
        }
    }

    /** One decoded entry: an HTTP request or response, or a DNS query with its answers. */
    private static final class Entry {
        private Optional<String> type = Optional.empty();
        private Optional<String> url = Optional.empty();
        private Optional<String> host = Optional.empty();
        private Optional<String> hostHeader = Optional.empty();
        private Optional<Integer> port = Optional.empty();
        private Optional<String> method = Optional.empty();
        private Optional<String> requestPath = Optional.empty();
        private Optional<Integer> statusCode = Optional.empty();
        private Optional<Integer> responseStatus = Optional.empty();
        private Optional<String> queryName = Optional.empty();
        private Optional<String> queryId = Optional.empty();
        private final List<Answer> answers = new ArrayList<>();

        /** The requested host in lower case: the entry's host, else its Host header, else the session's address. */
        Optional<String> host(Session s) {
            return host.or(() -> hostHeader).or(() -> s.dst).map(h -> h.strip().toLowerCase(Locale.ROOT))
                    .filter(h -> !h.isEmpty());
        }

        /** The URL as Threat Grid wrote it, else one in its style ({@code http://host:port/path}) from the parts. */
        Optional<String> url(Session s) {
            Optional<String> given = url.filter(u -> !u.isBlank());
            if (given.isPresent()) {
                return given;
            }
            Optional<String> path = requestPath.filter(p -> !p.isBlank());
            if (path.isEmpty() || path.get().startsWith("http://") || path.get().startsWith("https://")) {
                return path;
            }
            String portSuffix = port.or(() -> s.dstPort).map(n -> ":" + n).orElse("");
            return host(s).map(h -> "http://" + h + (h.contains(":") ? "" : portSuffix)
                    + (path.get().startsWith("/") ? "" : "/") + path.get());
        }

        /** The A and AAAA answers to this query (answers that name another query's id are not its own). */
        Set<String> addresses() {
            Set<String> addresses = new LinkedHashSet<>();
            for (Answer a : answers) {
                boolean ownAnswer = a.id.isEmpty() || queryId.isEmpty() || a.id.equals(queryId);
                boolean address = a.type.map(t -> ADDRESS_RECORDS.contains(t.strip().toLowerCase(Locale.ROOT)))
                        .orElse(false);
                if (ownAnswer && address) {
                    a.data.map(String::strip).filter(d -> !d.isEmpty()).ifPresent(addresses::add);
                }
            }
            return addresses;
        }
    }

    private static final class Answer {
        private Optional<String> data = Optional.empty();
        private Optional<String> type = Optional.empty();
        private Optional<String> id = Optional.empty();
    }
}
