package io.tgharvester.sim;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * A Threat Grid API v2 imitation on loopback, for the demo, the simulate command and end-to-end tests: an
 * organization whose users submit samples over time, analyses that move through wait, prep, run and proc to succ or
 * fail, and their artifacts. Everything it serves derives from the config's seed and the clock.
 */
public final class ThreatGridSimulator implements AutoCloseable {
    private static final String NO_DELAY = "sun.net.httpserver.nodelay";
    private final Clock clock;
    private final SimulatedOrg org;
    private final ArtifactSizes artifactSizes;
    private final FaultDraws faults = new FaultDraws();
    private final ApiHandler handler;
    private final List<RecordedRequest> requests = new ArrayList<>();
    private HttpServer server;
    private ExecutorService workers;

    public ThreatGridSimulator(SimulatorConfig config, Clock clock) {
        this.clock = clock;
        this.org = new SimulatedOrg(config, clock.instant());
        this.artifactSizes = config.artifactSizes();
        this.handler = new ApiHandler(config, clock, org, faults);
    }

    /** Listens on 127.0.0.1 only; port 0 picks a free one. */
    public synchronized void start(int port) {
        listen(port, Optional.empty());
    }

    /** Serves HTTPS with {@code tls}'s certificate, as an on-premises appliance with its own certificate does. */
    public synchronized void startHttps(int port, SSLContext tls) {
        listen(port, Optional.of(tls));
    }

    private void listen(int port, Optional<SSLContext> tls) {
        if (server != null) {
            throw new IllegalStateException("the simulator is already listening on " + baseUrl());
        }
        // The JDK's server writes a reply's headers and body in separate segments; without TCP_NODELAY each reply
        // waits out the client's delayed ACK (~40 ms), which made a 1000-page listing take a minute. The JDK reads
        // this once, when its first server starts; an explicit setting is left as it is.
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try {
            if (tls.isPresent()) {
                HttpsServer https = HttpsServer.create(address, 64);
                https.setHttpsConfigurator(new HttpsConfigurator(tls.get()));
                server = https;
            } else {
                server = HttpServer.create(address, 64);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
        server.createContext("/", exchange -> {
            record(RecordedRequest.of(exchange));
            handler.handle(exchange);
        });
        // several workers, so a slow answer (a fault) does not hold up the others
        workers = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "tg-simulator");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(workers);
        server.start();
    }

    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("the simulator has not been started");
        }
        return server.getAddress().getPort();
    }

    public synchronized URI baseUrl() {
        return URI.create((server instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:" + port());
    }

    /** Switches fault injection on (or off with {@link FaultPlan#NONE}) for the requests that follow. */
    public void faults(FaultPlan plan) {
        faults.use(plan);
    }

    /**
     * Answers every request {@code latency} late, as a service across a wide-area link does (a round trip and the
     * server's own time); zero, the default, answers at once, as only loopback can.
     */
    public void latency(Duration latency) {
        handler.latency(notNegative(latency, "latency"));
    }

    /**
     * Serves each artifact body over {@code pace}, a slice at a time, as a slow link would, so that a download stays
     * in flight long enough to be interrupted; zero, the default, serves it at once.
     */
    public void artifactPace(Duration pace) {
        handler.artifactPace(notNegative(pace, "artifact pace"));
    }

    private static Duration notNegative(Duration duration, String what) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("the " + what + " cannot be negative: " + duration);
        }
        return duration;
    }

    /** No sample is submitted after this moment; the demo uses it to let every analysis finish. */
    public void stopSubmissions() {
        org.stopSubmissions(clock.instant());
    }

    /** What has been submitted and what is served, as of {@code clock.instant()}. */
    public GroundTruth groundTruth() {
        Instant now = clock.instant();
        return new GroundTruth(now, org.samplesAt(now), artifactSizes);
    }

    /** Every request received so far, in arrival order. */
    public List<RecordedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    private void record(RecordedRequest request) {
        synchronized (requests) {
            requests.add(request);
        }
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            workers.shutdownNow();
        }
    }
}
