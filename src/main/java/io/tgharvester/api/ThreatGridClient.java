package io.tgharvester.api;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonEncodingException;
import com.squareup.moshi.Moshi;
import io.tgharvester.config.ApiKeySource;
import io.tgharvester.config.HarvesterConfig;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Function;
import okhttp3.OkHttpClient;
import okhttp3.ResponseBody;
import retrofit2.Call;
import retrofit2.Response;
import retrofit2.Retrofit;
import retrofit2.converter.moshi.MoshiConverterFactory;

/** Typed access to the three Threat Grid calls, with every failure turned into one {@link ApiException}. */
public final class ThreatGridClient {
    private static final String LIST = "/api/v2/samples";
    private static final String STATE = "/api/v2/samples/state";

    private final ThreatGridService service;
    private final Moshi moshi;
    /** Only for Retry-After given as an HTTP date. */
    private final Clock clock;

    ThreatGridClient(ThreatGridService service, Moshi moshi, Clock clock) {
        this.service = service;
        this.moshi = moshi;
        this.clock = clock;
    }

    public static ThreatGridClient connect(HarvesterConfig config) {
        return connect(config.baseUrl(), config.requireApiKey(), config.authMode(), config.proxy(),
                config.httpTimeout());
    }

    public static ThreatGridClient connect(URI baseUrl, ApiKeySource key, HarvesterConfig.AuthMode authMode,
                                           Optional<URI> proxy, Duration timeout) {
        OkHttpClient.Builder http = new OkHttpClient.Builder()
                .addInterceptor(new ApiKeyInterceptor(key, authMode))
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .retryOnConnectionFailure(false);
        proxy.ifPresent(p -> http.proxy(new Proxy(
                p.getScheme().startsWith("socks") ? Proxy.Type.SOCKS : Proxy.Type.HTTP,
                new InetSocketAddress(p.getHost(), p.getPort()))));
        Moshi moshi = new Moshi.Builder().build();
        String base = baseUrl.toString().endsWith("/") ? baseUrl.toString() : baseUrl + "/";
        Retrofit retrofit = new Retrofit.Builder()
                .baseUrl(base)
                .client(http.build())
                .addConverterFactory(MoshiConverterFactory.create(moshi))
                .build();
        return new ThreatGridClient(retrofit.create(ThreatGridService.class), moshi, Clock.systemUTC());
    }

    /**
     * One page of the organization's samples submitted at or after {@code after}, in whatever order the server lists
     * them (the order of this endpoint is not documented).
     */
    public ListPage listSamples(Instant after, int limit, int offset) {
        String afterText = DateTimeFormatter.ISO_INSTANT.format(after.truncatedTo(ChronoUnit.SECONDS));
        WireTypes.ListEnvelope envelope = execute(LIST, service.listSamples(afterText, limit, offset));
        if (envelope.data() == null || !(envelope.data().get("items") instanceof List<?> items)) {
            throw new MalformedResponse(LIST, "no data.items list");
        }
        List<Sample> samples = new ArrayList<>();
        List<SkippedItem> skipped = new ArrayList<>();
        mapEach(items, SampleMapper::toSample, samples, skipped);
        Object perPage = envelope.data().get("items_per_page");
        return new ListPage(samples, skipped, items.size(), perPage instanceof Number n && n.intValue() > 0
                ? OptionalInt.of(n.intValue()) : OptionalInt.empty());
    }

    /** The current state of each given sample the server knows; unknown ids are simply absent. */
    public StateAnswer states(List<String> sampleIds) {
        String idsJson = moshi.adapter(List.class).toJson(sampleIds);
        WireTypes.StateEnvelope envelope = execute(STATE, service.states(idsJson));
        if (envelope.data() == null) {
            throw new MalformedResponse(STATE, "no data list");
        }
        List<StateReport> reports = new ArrayList<>();
        List<SkippedItem> skipped = new ArrayList<>();
        mapEach(envelope.data(), SampleMapper::toStateReport, reports, skipped);
        return new StateAnswer(reports, skipped);
    }

    /** Opens an artifact for streaming, or empty when the analysis has none (404). */
    public Optional<ArtifactStream> openArtifact(String sampleId, String name) {
        if (!SampleIds.isValid(sampleId)) {
            throw new IllegalArgumentException("not a sample id: " + sampleId);
        }
        String endpoint = "/api/v2/samples/" + sampleId + "/" + name;
        Call<ResponseBody> call = service.artifact(sampleId, name);
        Response<ResponseBody> response = send(endpoint, call);
        if (response.code() == 404) {
            closeQuietly(response.errorBody());
            return Optional.empty();
        }
        ResponseBody body = response.isSuccessful() ? response.body() : null;
        if (body == null) {
            throw failure(endpoint, response);
        }
        long length = body.contentLength();
        return Optional.of(new ArtifactStream(body.byteStream(),
                length >= 0 ? OptionalLong.of(length) : OptionalLong.empty(), body, call::cancel));
    }

    private static <T> void mapEach(List<?> items, Function<Object, T> mapper, List<T> good, List<SkippedItem> bad) {
        for (Object item : items) {
            try {
                good.add(mapper.apply(item));
            } catch (IllegalArgumentException e) {
                String text = String.valueOf(item);
                bad.add(new SkippedItem(e.getMessage(), text.length() > 200 ? text.substring(0, 200) + "…" : text));
            }
        }
    }

    private <T> T execute(String endpoint, Call<T> call) {
        Response<T> response = send(endpoint, call);
        if (!response.isSuccessful()) {
            throw failure(endpoint, response);
        }
        T body = response.body();
        if (body == null) {
            throw new MalformedResponse(endpoint, "empty body");
        }
        return body;
    }

    private static <T> Response<T> send(String endpoint, Call<T> call) {
        try {
            return call.execute();
        } catch (JsonDataException | JsonEncodingException | EOFException e) {
            throw new MalformedResponse(endpoint, e.getMessage() == null ? "truncated body" : e.getMessage());
        } catch (IOException e) {
            throw new ApiUnavailable("cannot reach Threat Grid for " + endpoint + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()),
                    Optional.empty());
        }
    }

    private ApiException failure(String endpoint, Response<?> response) {
        int code = response.code();
        Optional<Duration> retryAfter = RetryAfter.parse(response.headers().get("Retry-After"), clock.instant());
        String message = errorMessage(response.errorBody());
        if (code == 401 || code == 403) {
            return new AuthenticationFailed(endpoint, code);
        }
        if (code == 429) {
            return new RateLimited(endpoint, retryAfter);
        }
        if (code >= 500) {
            return new ApiUnavailable("Threat Grid answered HTTP " + code + " on " + endpoint + ": " + message,
                    retryAfter);
        }
        return new RequestRejected(endpoint, code, message);
    }

    private String errorMessage(ResponseBody errorBody) {
        if (errorBody == null) {
            return "no message";
        }
        try (errorBody) {
            WireTypes.ErrorEnvelope envelope = moshi.adapter(WireTypes.ErrorEnvelope.class).fromJson(errorBody.source());
            return envelope != null && envelope.error() != null && envelope.error().message() != null
                    ? envelope.error().message() : "no message";
        } catch (IOException | JsonDataException e) {
            return "no Threat Grid error message";
        }
    }

    private static void closeQuietly(ResponseBody body) {
        if (body != null) {
            body.close();
        }
    }
}
