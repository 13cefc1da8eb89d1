package io.tgharvester.api;

import io.tgharvester.config.HarvesterConfig.CallRetries;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Call;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a GET again, that call alone and within seconds, when it fails on the way (a reset or refused connection, a
 * timeout) or the server answers that it is busy or failing (429, 500, 502, 503, 504: the set the AWS SDKs' standard
 * retry mode retries): up to {@code attempts} in all, each after a random wait of up to base·2ⁿ⁻¹ ("full jitter", so
 * that clients refused together do not come back together), no longer than {@code maxWait}. A Retry-After up to {@code maxWait} is waited out exactly; a longer one, and the last
 * attempt's failure, go back to the caller as they came, for the schedule-level pause. Every Threat Grid call of the
 * harvester is a GET, which the server may receive twice without harm.
 */
final class RetryInterceptor implements Interceptor {
    private static final Logger log = LoggerFactory.getLogger(RetryInterceptor.class);
    private static final Set<Integer> BUSY = Set.of(429, 500, 502, 503, 504);
    /** How often a wait looks whether its call was cancelled: a stopping harvester cancels its calls. */
    private static final long CANCEL_CHECK_MILLIS = 20;

    private final CallRetries policy;
    /** Only for Retry-After given as an HTTP date. */
    private final Clock clock;
    private final Random random;
    private final AtomicLong retries = new AtomicLong();

    RetryInterceptor(CallRetries policy, Clock clock, Random random) {
        this.policy = policy;
        this.clock = clock;
        this.random = random;
    }

    /** Calls sent again so far. */
    long retries() {
        return retries.get();
    }

    /** The longest wait, a Retry-After included, that one call waits out before it is sent again. */
    Duration longestWait() {
        return policy.maxWait();
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        if (!request.method().equals("GET")) {
            return chain.proceed(request);
        }
        for (int attempt = 1; ; attempt++) {
            boolean last = attempt >= policy.attempts();
            Duration wait;
            String cause;
            try {
                Response response = chain.proceed(request);
                if (last || !BUSY.contains(response.code())) {
                    return response;
                }
                Optional<Duration> retryAfter = RetryAfter.parse(response.header("Retry-After"), clock.instant());
                if (retryAfter.isPresent() && retryAfter.get().compareTo(policy.maxWait()) > 0) {
                    return response;
                }
                wait = retryAfter.isPresent() ? retryAfter.get() : backoff(attempt);
                cause = "HTTP " + response.code() + retryAfter.map(d -> " Retry-After " + d.toSeconds() + "s")
                        .orElse("");
                response.close();
            } catch (IOException e) {
                TransportFailure failure = TransportFailure.of(e);
                if (last || chain.call().isCanceled() || !failure.passing()) {
                    throw e;
                }
                wait = backoff(attempt);
                cause = failure.name().toLowerCase(Locale.ROOT) + ": " + e.getClass().getSimpleName();
            }
            // The path only: in query mode the URL's query holds the key.
            log.debug("event=call-retry endpoint={} attempt={} of={} wait_ms={} cause=\"{}\"",
                    request.url().encodedPath(), attempt + 1, policy.attempts(), wait.toMillis(), cause);
            RetryWaits waits = request.tag(RetryWaits.class);
            pause(chain.call(), wait, waits == null ? RetryWaits.NONE : waits);
            retries.incrementAndGet();
        }
    }

    /** A random wait from zero to base·2^(attempt-1), capped at maxWait. */
    private Duration backoff(int attempt) {
        long ceiling = Math.min(policy.maxWait().toMillis(),
                policy.base().toMillis() << Math.min(attempt - 1, 20));
        return Duration.ofMillis(random.nextLong(ceiling + 1));
    }

    /**
     * Waits {@code wait} out, unless the call is cancelled or the thread interrupted first; {@code waits} is told when
     * the wait begins and ends.
     */
    private static void pause(Call call, Duration wait, RetryWaits waits) throws IOException {
        long end = System.nanoTime() + wait.toNanos();
        waits.waitBegins();
        try {
            for (long left = wait.toNanos(); left > 0 && !call.isCanceled(); left = end - System.nanoTime()) {
                Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, CANCEL_CHECK_MILLIS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to try the call again");
        } finally {
            waits.waitEnds();
        }
        if (call.isCanceled()) {
            throw new IOException("Canceled");
        }
    }
}
