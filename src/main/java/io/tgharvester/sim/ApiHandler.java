package io.tgharvester.sim;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Answers Threat Grid API v2 requests from the simulated organization, in Threat Grid's JSON formats. */
final class ApiHandler implements HttpHandler {
    private static final String FAULT = "tg-simulator.fault";
    private static final Pattern SAMPLE_PATH = Pattern.compile("/api/v2/samples/([0-9a-f]{32})/([a-z.]+)");
    private static final DateTimeFormatter WIRE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private final SimulatorConfig config;
    private final Clock clock;
    private final SimulatedOrg org;
    private final ArtifactFactory artifacts;
    private final AtomicInteger requestIds = new AtomicInteger(1000);
    private final SplittableRandom faultDraws;
    private volatile FaultPlan faults = FaultPlan.NONE;
    private final JsonAdapter<Object> json = new Moshi.Builder().build().adapter(Object.class).serializeNulls();
    private final JsonAdapter<List<String>> idList =
            new Moshi.Builder().build().adapter(Types.newParameterizedType(List.class, String.class));

    ApiHandler(SimulatorConfig config, Clock clock, SimulatedOrg org, ArtifactFactory artifacts) {
        this.config = config;
        this.clock = clock;
        this.org = org;
        this.artifacts = artifacts;
        this.faultDraws = new SplittableRandom(config.seed() ^ 0x5eed);
    }

    void faults(FaultPlan plan) {
        faults = plan;
    }

    private FaultPlan.Fault drawFault() {
        FaultPlan plan = faults;
        if (plan == FaultPlan.NONE) {
            return FaultPlan.Fault.NONE;
        }
        synchronized (faultDraws) {
            return plan.pick(faultDraws.nextDouble());
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            FaultPlan.Fault fault = drawFault();
            exchange.setAttribute(FAULT, fault);
            switch (fault) {
                case RATE_LIMITED -> {
                    if (requestIds.get() % 2 == 0) {
                        exchange.getResponseHeaders().set("Retry-After", "1");
                    }
                    error(exchange, 429, "rate limit exceeded");
                    return;
                }
                case SERVER_ERROR -> {
                    error(exchange, List.of(500, 502, 503).get(requestIds.get() % 3), "service unavailable");
                    return;
                }
                case RESET -> {
                    return; // closing the exchange unanswered drops the connection
                }
                case SLOW -> pause(faults.slowMillis());
                default -> {
                }
            }
            route(exchange);
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        String path = exchange.getRequestURI().getPath();
        if (!exchange.getRequestMethod().equals("GET")) {
            error(exchange, 405, "method not allowed");
        } else if (!authorized(exchange, query)) {
            error(exchange, 401, "invalid or missing api_key");
        } else if (path.equals("/api/v2/samples")) {
            list(exchange, query);
        } else if (path.equals("/api/v2/samples/state")) {
            bulkState(exchange, query);
        } else {
            sample(exchange, path);
        }
    }

    private boolean authorized(HttpExchange exchange, Map<String, String> query) {
        if (config.apiKey().equals(query.get("api_key"))) {
            return true;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        return header != null && header.regionMatches(true, 0, "bearer ", 0, 7)
                && header.substring(7).trim().equals(config.apiKey());
    }

    private void list(HttpExchange exchange, Map<String, String> query) throws IOException {
        String orgOnly = query.get("org_only");
        if (!"True".equals(orgOnly) && !"true".equals(orgOnly)) {
            error(exchange, 400, "org_only=True is required by this simulator: it never serves the global dataset");
            return;
        }
        Optional<Instant> after = time(query.get("after"));
        Optional<Instant> before = time(query.get("before"));
        if ((query.containsKey("after") && after.isEmpty()) || (query.containsKey("before") && before.isEmpty())) {
            error(exchange, 400, "after/before must be ISO-8601 times");
            return;
        }
        int limit = Math.max(1, Math.min(1000, number(query.get("limit"), 100)));
        int offset = Math.max(0, number(query.get("offset"), 0));
        Comparator<SimulatedSample> order = Comparator.comparing(SimulatedSample::submittedAt)
                .thenComparing(SimulatedSample::id);
        if (!"asc".equals(query.get("sort_order"))) {
            order = order.reversed();
        }
        Instant now = clock.instant();
        List<Object> items = org.samples().stream()
                .filter(s -> after.map(a -> !s.submittedAt().isBefore(a)).orElse(true))
                .filter(s -> before.map(b -> s.submittedAt().isBefore(b)).orElse(true))
                .sorted(order).skip(offset).limit(limit)
                .map(s -> (Object) record(s, now)).toList();
        respond(exchange, Map.of("index", offset, "items_per_page", limit, "current_item_count", items.size(),
                "items", items));
    }

    private void bulkState(HttpExchange exchange, Map<String, String> query) throws IOException {
        List<String> ids;
        try {
            ids = query.containsKey("ids") ? idList.fromJson(query.get("ids")) : null;
        } catch (IOException | JsonDataException e) {
            ids = null;
        }
        if (ids == null) {
            error(exchange, 400, "ids must be a JSON list of sample ids");
            return;
        }
        Set<String> wanted = new HashSet<>(ids);
        Instant now = clock.instant();
        List<Object> states = new ArrayList<>();
        for (SimulatedSample s : org.samples()) {
            if (wanted.contains(s.id())) {
                states.add(ArtifactFactory.object("sample", s.id(), "state", s.stateAt(now),
                        "status", s.statusAt(now)));
            }
        }
        respond(exchange, states);
    }

    private void sample(HttpExchange exchange, String path) throws IOException {
        Matcher m = SAMPLE_PATH.matcher(path);
        Optional<SimulatedSample> sample = m.matches()
                ? org.samples().stream().filter(s -> s.id().equals(m.group(1))).findFirst() : Optional.empty();
        if (sample.isEmpty()) {
            error(exchange, 404, "no such sample or endpoint");
            return;
        }
        Instant now = clock.instant();
        String name = m.group(2);
        if (name.equals("state")) {
            respond(exchange, Map.of("state", sample.get().stateAt(now)));
            return;
        }
        Optional<byte[]> body = sample.get().stateAt(now).equals("succ")
                ? artifacts.bytes(sample.get(), name) : Optional.empty();
        if (body.isEmpty()) {
            error(exchange, 404, name + " is not available for this sample");
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", contentType(name));
        exchange.sendResponseHeaders(200, body.get().length);
        try (OutputStream out = exchange.getResponseBody()) {
            boolean cut = exchange.getAttribute(FAULT) == FaultPlan.Fault.TRUNCATED;
            out.write(body.get(), 0, cut ? body.get().length / 2 : body.get().length);
        }
    }

    private Map<String, Object> record(SimulatedSample s, Instant now) {
        String state = s.stateAt(now);
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", s.id());
        item.put("filename", s.filename());
        item.put("state", state);
        item.put("status", s.statusAt(now));
        item.put("submitted_at", WIRE_TIME.format(s.submittedAt()));
        if (!state.equals("wait")) {
            item.put("started_at", WIRE_TIME.format(s.prepAt()));
        }
        if (state.equals("succ") || state.equals("fail")) {
            item.put("completed_at", WIRE_TIME.format(s.completedAt()));
        }
        item.put("login", s.login());
        item.put("organization_id", 4242);
        item.put("submission_id", s.submissionId());
        item.put("md5", s.md5());
        item.put("sha1", s.sha1());
        item.put("sha256", s.sha256());
        item.put("tags", s.tags());
        item.put("vm", s.vm());
        item.put("os", s.os());
        item.put("private", true);
        item.put("playbook", "default");
        item.put("priority", 2);
        return item;
    }

    private void respond(HttpExchange exchange, Object data) throws IOException {
        send(exchange, 200, Map.of("api_version", 2, "id", requestIds.incrementAndGet(), "data", data));
    }

    private void error(HttpExchange exchange, int code, String message) throws IOException {
        send(exchange, code, Map.of("api_version", 2, "id", requestIds.incrementAndGet(), "error",
                Map.of("code", code, "message", message, "errors", List.of(Map.of("code", code, "message", message)))));
    }

    private void send(HttpExchange exchange, int code, Object body) throws IOException {
        byte[] bytes = json.toJson(body).getBytes(StandardCharsets.UTF_8);
        if (code == 200 && exchange.getAttribute(FAULT) == FaultPlan.Fault.MALFORMED) {
            bytes = Arrays.copyOf(bytes, bytes.length * 2 / 3);
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String contentType(String artifact) {
        return switch (artifact) {
            case "network.pcap" -> "application/vnd.tcpdump.pcap";
            case "video.webm" -> "video/webm";
            default -> "application/json";
        };
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw == null) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            params.putIfAbsent(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    private static Optional<Instant> time(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException notOffset) {
            try {
                return Optional.of(LocalDateTime.parse(text).toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException unreadable) {
                return Optional.empty();
            }
        }
    }

    private static int number(String text, int fallback) {
        try {
            return text == null ? fallback : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
