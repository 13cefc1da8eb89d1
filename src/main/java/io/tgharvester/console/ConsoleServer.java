package io.tgharvester.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tgharvester.api.SampleIds;
import io.tgharvester.config.ConfigException;
import io.tgharvester.config.ConsoleSettings;
import io.tgharvester.config.ConsoleToken;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.config.Redaction;
import io.tgharvester.metrics.HarvestMetrics;
import io.tgharvester.store.CorrelationQueries;
import io.tgharvester.store.Database;
import io.tgharvester.store.JobRunStore;
import io.tgharvester.store.Queries;
import io.tgharvester.store.ReportQueries;
import io.tgharvester.store.SampleQueries;
import io.tgharvester.store.StoreException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console on the JDK's own HTTP server (the one the simulator already uses: no web framework, no template
 * engine, nothing that meets WireMock's Jetty on the test classpath). It reads the harvest through a read-only
 * database connection, so nothing a request does can change it; every answer carries security headers, and
 * {@link ConsoleAccess} decides who gets one.
 *
 * <p>Routes: {@code /} overview, {@code /samples} list, {@code /samples/<id>} a sample,
 * {@code /samples/<id>/artifacts/<name>} an artifact as attachment, {@code /users}, {@code /find}, {@code /metrics},
 * {@code /healthz}, {@code /login}, {@code /static/<file>}.
 */
public final class ConsoleServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConsoleServer.class);
    /** Enough that a slow page never holds up a Prometheus scrape or a health probe. */
    private static final int THREADS = 4;

    private final HttpServer server;
    private final ExecutorService threads;
    private final ConsoleAccess access;
    private final StaticFiles staticFiles = new StaticFiles();
    private final OverviewPage overview;
    private final SamplesPage samplesPage;
    private final SamplePage samplePage;
    private final UsersPage usersPage;
    private final FindPage findPage;
    private final ArtifactAttachment attachments;
    private final HarvestMetrics metrics;
    private final HealthCheck health;
    private final JobRunStore runs;
    private final Optional<PauseState> daemon;
    private final Clock clock;

    private ConsoleServer(HttpServer server, ExecutorService threads, Optional<ConsoleToken> token,
                          HarvesterConfig config, ConsoleSettings settings, Database db, HarvestMetrics metrics,
                          Optional<PauseState> daemon, Clock clock) {
        this.server = server;
        this.threads = threads;
        this.access = new ConsoleAccess(token);
        this.metrics = metrics;
        this.health = new HealthCheck(HealthCheck.intervals(config), settings.healthFactor());
        this.runs = new JobRunStore(db);
        this.daemon = daemon;
        this.clock = clock;
        Queries queries = new Queries(db);
        SampleQueries samples = new SampleQueries(db);
        ReportQueries reports = new ReportQueries(db);
        this.overview = new OverviewPage(queries, runs, reports, health, daemon, clock);
        this.samplesPage = new SamplesPage(samples, queries, clock);
        this.samplePage = new SamplePage(samples, new CorrelationQueries(db));
        this.usersPage = new UsersPage(reports, ZoneId.systemDefault(), clock);
        this.findPage = new FindPage(new CorrelationQueries(db));
        this.attachments = new ArtifactAttachment(config.dataDir(), samples);
    }

    /**
     * Starts the console on {@code settings}' address and port (0: any free one) over {@code db}, which should be the
     * read-only connection {@link Database#openReadOnly} gives. Refuses, with a {@link ConfigException}, to listen
     * anywhere but loopback without harvester.console.token.
     *
     * @param daemon the harvester of this process, when the console runs in the daemon
     */
    public static ConsoleServer start(HarvesterConfig config, ConsoleSettings settings, Database db,
                                      HarvestMetrics metrics, Optional<PauseState> daemon, Clock clock) {
        InetAddress address = address(settings);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(address, settings.port()), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("the console cannot listen on " + settings.bind() + ":" + settings.port()
                    + " (" + e.getMessage() + "): choose another port with --port or harvester.console.port", e);
        }
        AtomicInteger count = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(THREADS, work -> {
            Thread thread = new Thread(work, "tg-console-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        ConsoleServer console = new ConsoleServer(server, threads, settings.token(), config, settings, db, metrics,
                daemon, clock);
        server.createContext("/", console::handle);
        server.setExecutor(threads);
        server.start();
        return console;
    }

    private static InetAddress address(ConsoleSettings settings) {
        InetAddress address;
        try {
            address = InetAddress.getByName(settings.bind());
        } catch (UnknownHostException e) {
            throw new ConfigException("harvester.console.bind: cannot resolve '" + settings.bind() + "'");
        }
        if (!address.isLoopbackAddress() && settings.token().isEmpty()) {
            throw new ConfigException("the console would listen on " + settings.bind() + ", which is not loopback:"
                    + " set harvester.console.token (HARVESTER_CONSOLE_TOKEN, " + ConsoleToken.MIN_LENGTH
                    + " characters or more) so that only holders of it get in, or bind to 127.0.0.1");
        }
        return address;
    }

    /** The port the console listens on (the one the system chose, for port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The console's address, for people: http://127.0.0.1:8080/. */
    public URI address() {
        InetSocketAddress bound = server.getAddress();
        String host = bound.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort() + "/");
    }

    /** Whether a request needs harvester.console.token. */
    public boolean tokenRequired() {
        return access.tokenRequired();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Response response;
            try {
                response = route(Request.of(exchange));
            } catch (IllegalArgumentException e) {
                response = error(400, e.getMessage());
            } catch (StoreException e) {
                log.warn("event=console-error path={} error=\"{}\"", exchange.getRequestURI().getRawPath(),
                        e.getMessage());
                response = error(503, "The harvest database cannot be read right now: " + e.getMessage());
            } catch (RuntimeException e) {
                log.error("event=console-error path={}", exchange.getRequestURI().getRawPath(), e);
                response = error(500, "Something went wrong on the console's side; its log says what.");
            }
            send(exchange, response);
        }
    }

    private Response route(Request request) {
        List<String> path = request.segments();
        if (!access.tokenRequired() && !access.admits(request)) {
            return Response.text(403, "This console answers requests addressed to localhost or 127.0.0.1 only.\n");
        }
        if (path.size() == 2 && path.get(0).equals("static")) {
            return staticFiles.respond(path.get(1)).orElseGet(() -> notFound());
        }
        if (path.equals(List.of("login"))) {
            return login(request);
        }
        if (!request.method().equals("GET")) {
            return Response.text(405, "The console only reads: GET it.\n").withHeader("Allow", "GET");
        }
        if (!access.admits(request)) {
            return unauthorized(request);
        }
        if (path.isEmpty()) {
            return Response.page(200, overview.render());
        }
        return switch (path.get(0)) {
            case "samples" -> samples(request, path);
            case "users" -> path.size() != 1 ? notFound() : new Response(200, Response.HTML,
                    Map.of("Content-Security-Policy", Response.REPORT_POLICY),
                    usersPage.render(request).getBytes(StandardCharsets.UTF_8), Optional.empty());
            case "find" -> path.size() != 1 ? notFound() : Response.page(200, findPage.render(request));
            case "metrics" -> path.size() != 1 ? notFound() : new Response(200, HarvestMetrics.CONTENT_TYPE,
                    Map.of(), metrics.scrape().getBytes(StandardCharsets.UTF_8), Optional.empty());
            case "healthz" -> path.size() != 1 ? notFound() : health();
            // No icon, and no 404 for the one every browser asks for: that would be an error in its console.
            case "favicon.ico" -> path.size() != 1 ? notFound() : Response.text(204, "");
            default -> notFound();
        };
    }

    private Response samples(Request request, List<String> path) {
        if (path.size() == 1) {
            return Response.page(200, samplesPage.render(request));
        }
        String id = path.get(1);
        if (!SampleIds.isValid(id)) {
            return notFound();
        }
        if (path.size() == 2) {
            return samplePage.render(id).map(page -> Response.page(200, page)).orElseGet(() -> notFound());
        }
        if (path.size() == 4 && path.get(2).equals("artifacts")) {
            return attachments.respond(id, path.get(3)).orElseGet(() -> notFound());
        }
        return notFound();
    }

    private Response login(Request request) {
        if (!access.tokenRequired()) {
            return Response.redirect(Links.OVERVIEW);
        }
        String next = LoginPage.safeNext(request.parameter("next"));
        if (request.method().equals("POST")) {
            if (access.accepts(request.parameter("token").orElse(""))) {
                return Response.redirect(next).withHeader("Set-Cookie", access.sessionCookie());
            }
            log.info("event=console-login-refused");
            return Response.page(401, LoginPage.render(next, true));
        }
        return Response.page(200, LoginPage.render(next, false));
    }

    /** A page asks for the login form; a scrape or a probe is told how to send the token. */
    private static Response unauthorized(Request request) {
        List<String> path = request.segments();
        Response response = path.equals(List.of("metrics")) || path.equals(List.of("healthz"))
                ? Response.text(401, "Send harvester.console.token as 'Authorization: Bearer <token>'.\n")
                : Response.page(401, LoginPage.render(request.target(), false));
        return response.withHeader("WWW-Authenticate", "Bearer realm=\"tg-harvester console\"");
    }

    private Response health() {
        Instant now = clock.instant();
        HealthCheck.Health status = health.check(runs.runs(), now);
        StringBuilder text = new StringBuilder(status.healthy() ? "ok\n" : "unhealthy\n");
        status.problems().forEach(problem -> text.append(Redaction.redact(problem)).append('\n'));
        daemon.flatMap(PauseState::pausedUntil).ifPresent(until -> text.append("all calls to Threat Grid paused until ")
                .append(Cells.time(until)).append(" UTC\n"));
        return Response.text(status.healthy() ? 200 : 503, text.toString());
    }

    private static Response notFound() {
        return error(404, "There is no such page, sample or downloaded artifact in this harvest.");
    }

    private static Response error(int status, String message) {
        return Response.page(status, Layout.page(Optional.empty(), status == 400 ? "Cannot do that"
                : status == 404 ? "Not found" : "Error", Markup.of("<p class=\"error\">%s</p>\n", message), false));
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", response.contentType());
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Cache-Control", "no-store");
        headers.set("Content-Security-Policy", Response.PAGE_POLICY);
        response.headers().forEach(headers::set);
        if (response.file().isPresent()) {
            exchange.sendResponseHeaders(response.status(), Files.size(response.file().get()));
            try (OutputStream body = exchange.getResponseBody()) {
                Files.copy(response.file().get(), body);
            }
            return;
        }
        exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
        try (OutputStream body = exchange.getResponseBody()) {
            body.write(response.body());
        }
    }

    /** Stops listening and ends the requests under way: they only read. */
    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
