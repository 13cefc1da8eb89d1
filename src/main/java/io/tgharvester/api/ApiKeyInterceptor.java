package io.tgharvester.api;

import io.tgharvester.config.ApiKeySource;
import io.tgharvester.config.HarvesterConfig.AuthMode;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds the API key to every call. The bearer header keeps the key out of URLs and proxy logs; servers that only take
 * the {@code api_key} query parameter get that instead, in {@code auto} mode after their first 401 to the header.
 */
final class ApiKeyInterceptor implements Interceptor {
    private static final Logger log = LoggerFactory.getLogger(ApiKeyInterceptor.class);

    private final ApiKeySource key;
    private final AuthMode mode;
    private final AtomicBoolean serverWantsQuery = new AtomicBoolean();

    ApiKeyInterceptor(ApiKeySource key, AuthMode mode) {
        this.key = key;
        this.mode = mode;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        if (mode == AuthMode.QUERY || serverWantsQuery.get()) {
            return chain.proceed(withQueryKey(request));
        }
        Response response = chain.proceed(request.newBuilder()
                .header("Authorization", "bearer " + key.current().reveal()).build());
        if (mode != AuthMode.AUTO || response.code() != 401) {
            return response;
        }
        response.close();
        Response retried = chain.proceed(withQueryKey(request));
        if (retried.code() != 401 && serverWantsQuery.compareAndSet(false, true)) {
            log.info("event=auth-fallback detail=\"server takes the key only as the api_key parameter; using that\"");
        }
        return retried;
    }

    private Request withQueryKey(Request request) {
        return request.newBuilder()
                .url(request.url().newBuilder().setQueryParameter("api_key", key.current().reveal()).build())
                .build();
    }
}
