package io.tgharvester.sim;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.Moshi;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.tgharvester.sim.FaultPlan.Fault;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Answers Threat Grid API v2 requests about the simulated organization, as of the clock's reading at arrival. */
final class ApiHandler implements HttpHandler {
    private static final Pattern SAMPLE_PATH = Pattern.compile("/api/v2/samples/([0-9a-f]{32})/([a-z.]+)");
    private static final List<Integer> SERVER_ERRORS = List.of(500, 502, 503);

    private final String apiKey;
    private final int pageCap;
    private final ArtifactSizes artifactSizes;
    private final Comparator<SimulatedSample> listOrder;
    private final Clock clock;
    private final SimulatedOrg org;
    private final FaultDraws faults;
    private final AtomicInteger requestIds = new AtomicInteger(1000);
    private volatile Duration artifactPace = Duration.ZERO;
    private volatile Duration latency = Duration.ZERO;
    private final JsonAdapter<Object> json = new Moshi.Builder().build().adapter(Object.class);

    ApiHandler(SimulatorConfig config, Clock clock, SimulatedOrg org, FaultDraws faults) {
        this.apiKey = config.apiKey();
        this.pageCap = config.pageCap();
        this.artifactSizes = config.artifactSizes();
        this.listOrder = config.listOrder().comparator(config.seed());
        this.clock = clock;
        this.org = org;
        this.faults = faults;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            pause(latency.toMillis());
            Fault fault = faults.next();
            Reply reply = new Reply(exchange, requestIds.incrementAndGet(), fault);
            switch (fault) {
                case RATE_LIMITED -> {
                    if (reply.requestId() % 2 == 0) {
                        reply.header("Retry-After", "1");
                    }
                    reply.error(429, "rate limit exceeded; retry later");
                }
                case SERVER_ERROR -> reply.error(SERVER_ERRORS.get(reply.requestId() % 3), "service unavailable");
                case ERROR_200 -> reply.error(200, SERVER_ERRORS.get(reply.requestId() % 3), "service unavailable");
                case RESET -> {
                    // closing the exchange unanswered drops the connection
                }
                case SLOW -> {
                    pause(faults.slowMillis());
                    route(exchange, reply);
                }
                default -> route(exchange, reply);
            }
        }
    }

    private void route(HttpExchange exchange, Reply reply) throws IOException {
        String path = exchange.getRequestURI().getPath();
        try {
            QueryString query = QueryString.parse(exchange.getRequestURI().getRawQuery());
            Instant now = clock.instant();
            if (!authorized(exchange, query)) {
                reply.error(401, "invalid or missing API key: send it as api_key=<key> or Authorization: bearer <key>");
            } else if (!exchange.getRequestMethod().equals("GET")) {
                reply.error(405, exchange.getRequestMethod() + " is not supported here; use GET");
            } else if (path.equals("/api/v2/samples")) {
                list(reply, query, now);
            } else if (path.equals("/api/v2/samples/state")) {
                states(reply, query, now);
            } else {
                sample(reply, path, now);
            }
        } catch (BadRequest e) {
            reply.error(400, e.getMessage());
        }
    }

    private boolean authorized(HttpExchange exchange, QueryString query) {
        if (query.text("api_key").filter(apiKey::equals).isPresent()) {
            return true;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        return header != null && header.regionMatches(true, 0, "bearer ", 0, 7)
                && header.substring(7).trim().equals(apiKey);
    }

    private void list(Reply reply, QueryString query, Instant now) throws IOException {
        SampleListing listing = SampleListing.from(query, pageCap);
        List<Object> items = new ArrayList<>();
        listing.page(org.samplesAt(now), listOrder).forEach(s -> items.add(SampleItem.of(s, now)));
        reply.data(Json.object("index", listing.offset(), "items_per_page", listing.limit(),
                "current_item_count", items.size(), "items", items));
    }

    /** Answers in the order asked, each id once; ids the organization does not have are left out. */
    private void states(Reply reply, QueryString query, Instant now) throws IOException {
        List<Object> states = new ArrayList<>();
        for (String id : new LinkedHashSet<>(ids(query))) {
            org.find(id, now).ifPresent(s -> states.add(Json.object("sample", s.id(), "state", s.stateAt(now),
                    "status", s.statusAt(now))));
        }
        reply.data(states);
    }

    private List<String> ids(QueryString query) {
        BadRequest wrong = new BadRequest("ids must be a JSON list of sample id strings, such as [\"0123...\"]");
        Object ids;
        try {
            ids = json.fromJson(query.text("ids").orElseThrow(() -> wrong));
        } catch (IOException | JsonDataException notJson) {
            throw wrong;
        }
        if (!(ids instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw wrong;
        }
        return list.stream().map(String.class::cast).toList();
    }

    private void sample(Reply reply, String path, Instant now) throws IOException {
        Matcher m = SAMPLE_PATH.matcher(path);
        Optional<SimulatedSample> sample = m.matches() ? org.find(m.group(1), now) : Optional.empty();
        if (sample.isEmpty()) {
            reply.error(404, "no such sample or endpoint: " + path);
            return;
        }
        String name = m.group(2);
        if (name.equals("state")) {
            reply.data(Json.object("state", sample.get().stateAt(now)));
            return;
        }
        Optional<Artifact> artifact = Artifact.named(name);
        Optional<byte[]> body = artifact.flatMap(a -> a.servedAt(sample.get(), now, artifactSizes));
        if (body.isEmpty()) {
            reply.error(404, name + " is not available for this sample");
            return;
        }
        reply.body(artifact.get().contentType(), body.get(), artifactPace);
    }

    void latency(Duration delay) {
        latency = delay;
    }

    void artifactPace(Duration pace) {
        artifactPace = pace;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
