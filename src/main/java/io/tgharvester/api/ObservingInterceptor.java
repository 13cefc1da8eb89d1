package io.tgharvester.api;

import java.io.IOException;
import java.util.regex.Pattern;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Tells a {@link CallObserver} how each attempt ended. It sits inside the retries and outside the throttle, so it
 * sees every attempt, those the throttle held back included.
 */
final class ObservingInterceptor implements Interceptor {
    private static final Pattern SAMPLE_ID = Pattern.compile("/[0-9a-f]{32}(?=/|$)");

    private final CallObserver observer;

    ObservingInterceptor(CallObserver observer) {
        this.observer = observer;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        String endpoint = SAMPLE_ID.matcher(chain.request().url().encodedPath()).replaceAll("/{id}");
        try {
            Response response = chain.proceed(chain.request());
            observer.attempted(endpoint, CallOutcome.of(response.code()));
            return response;
        } catch (IOException e) {
            observer.attempted(endpoint, CallOutcome.of(e, chain.call().isCanceled()));
            throw e;
        }
    }
}
