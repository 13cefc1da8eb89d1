package io.tgharvester.sim;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A Threat Grid API v2 imitation on loopback, for the demo and end-to-end tests: an organization whose users submit
 * samples over time, analyses that move through wait, prep, run and proc to succ or fail, and their artifacts.
 */
public final class ThreatGridSimulator implements AutoCloseable {
    private final SimulatedOrg org;
    private final ArtifactFactory artifacts = new ArtifactFactory();
    private final ApiHandler handler;
    private final List<RecordedRequest> requests = new ArrayList<>();
    private HttpServer server;
    private ExecutorService workers;

    public ThreatGridSimulator(SimulatorConfig config, Clock clock) {
        this.org = new SimulatedOrg(config, clock);
        this.handler = new ApiHandler(config, clock, org, artifacts);
    }

    /** Listens on 127.0.0.1 only; port 0 picks a free one. */
    public void start(int port) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
        server.createContext("/", exchange -> {
            synchronized (requests) {
                requests.add(new RecordedRequest(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders()));
            }
            handler.handle(exchange);
        });
        workers = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "tg-simulator");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(workers);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** Switches fault injection on (or off with {@link FaultPlan#NONE}) for the requests that follow. */
    public void faults(FaultPlan plan) {
        handler.faults(plan);
    }

    /** No sample is submitted after this moment; the demo uses it to let every analysis finish. */
    public void stopSubmissions() {
        org.stopSubmissions();
    }

    public GroundTruth groundTruth() {
        return new GroundTruth(org.samples(), artifacts);
    }

    public List<RecordedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            workers.shutdownNow();
        }
    }
}
