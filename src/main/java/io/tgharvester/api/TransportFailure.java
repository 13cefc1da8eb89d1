package io.tgharvester.api;

import io.tgharvester.config.Durations;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import okhttp3.HttpUrl;

/**
 * What went wrong on the way to Threat Grid when a call ends in an IOException: whether trying it again at once can
 * help, and how to say it in the one-line error.
 */
enum TransportFailure {
    /** No answer within harvester.http-timeout, while connecting or reading. */
    TIMEOUT(true),
    /** The connection was refused or could not be made (OkHttp's ConnectException wraps the reason). */
    CONNECT(true),
    /** An open connection was reset or broken. */
    RESET(true),
    /** The server closed the connection before a status line: OkHttp's "unexpected end of stream". */
    NO_ANSWER(true),
    /**
     * The host name does not resolve. Not retried: Java caches a failed lookup for 10 s
     * (networkaddress.cache.negative.ttl), longer than the quick retries, and such a name is most often a mistake.
     */
    HOST_LOOKUP(false),
    /** Anything else, TLS handshakes included: a certificate refused now is refused again. */
    OTHER(false);

    private final boolean passing;

    TransportFailure(boolean passing) {
        this.passing = passing;
    }

    static TransportFailure of(IOException e) {
        if (e instanceof SocketTimeoutException) {
            return TIMEOUT;
        }
        if (e instanceof ConnectException) {
            return CONNECT;
        }
        if (e instanceof SocketException) {
            return RESET;
        }
        if (e instanceof UnknownHostException) {
            return HOST_LOOKUP;
        }
        return e.getCause() instanceof EOFException ? NO_ANSWER : OTHER;
    }

    /** Whether the failure is the network's or the server's passing state, so that a quick retry may succeed. */
    boolean passing() {
        return passing;
    }

    /** What happened, for "cannot reach Threat Grid for ...: ": names a host and port, never the URL's query. */
    String describe(IOException e, HttpUrl url, Duration timeout) {
        return switch (this) {
            case TIMEOUT -> "no answer within harvester.http-timeout (" + Durations.format(timeout) + ")";
            // OkHttp's message only names the address; the reason ("Connection refused") is its cause's.
            case CONNECT -> "cannot connect to " + url.host() + ":" + url.port() + " ("
                    + (e.getCause() == null ? e : e.getCause()).getMessage() + ")";
            case RESET -> "the connection broke (" + e.getMessage() + ")";
            case NO_ANSWER -> "the server closed the connection without an answer";
            case HOST_LOOKUP -> "host lookup failed for " + url.host() + " (" + e.getMessage() + ")";
            case OTHER -> e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
        };
    }
}
