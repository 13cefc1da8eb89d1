package io.tgharvester.api;

import java.io.IOException;
import java.util.function.DoubleSupplier;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Adaptive client-side throttling: each attempt is recorded in {@link CallStats}, and while Threat Grid refuses more
 * than half of them an attempt is held back locally with the probability {@link CallStats.Window#holdBackShare}
 * gives, so an overloaded server sees less load in proportion to its refusals and a healthy one sees no delay at all.
 * The few attempts that still go out are the probes that notice recovery.
 */
final class ThrottleInterceptor implements Interceptor {
    /** Accepts count this many times: held back only while fewer than half the calls are accepted. */
    private static final double K = 2.0;

    private final CallStats stats;
    private final DoubleSupplier random;

    ThrottleInterceptor(CallStats stats, DoubleSupplier random) {
        this.stats = stats;
        this.random = random;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        CallStats.Window window = stats.window();
        double share = window.holdBackShare(K);
        if (share > 0 && random.getAsDouble() < share) {
            stats.refused();
            throw new HeldBack(window);
        }
        Response response;
        try {
            response = chain.proceed(chain.request());
        } catch (IOException e) {
            if (!chain.call().isCanceled() && TransportFailure.of(e) != TransportFailure.OTHER) {
                stats.unreachable();
            }
            throw e;
        }
        if (response.code() == 429 || response.code() >= 500) {
            stats.refused();
        } else {
            stats.accepted();
        }
        return response;
    }

    /** An attempt the throttle kept from the server. */
    static final class HeldBack extends IOException {
        HeldBack(CallStats.Window window) {
            super("held back by client-side throttling: Threat Grid refused " + (window.requests() - window.accepts())
                    + " of the last " + window.requests() + " calls");
        }
    }
}
