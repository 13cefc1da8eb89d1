package io.tgharvester.api;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonEncodingException;
import com.squareup.moshi.Moshi;
import io.tgharvester.config.ApiKeySource;
import io.tgharvester.config.ConnectionConfig;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.config.ProxyRoute;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import retrofit2.Call;
import retrofit2.Response;
import retrofit2.Retrofit;
import retrofit2.converter.moshi.MoshiConverterFactory;

/**
 * Typed access to the three Threat Grid calls, with every failure turned into one {@link ApiException}; a call that
 * fails in passing is first sent again ({@link RetryInterceptor}).
 */
public final class ThreatGridClient {
    private static final String LIST = "/api/v2/samples";
    private static final String STATE = "/api/v2/samples/state";
    /**
     * How much of a JSON artifact is read ahead to tell a Threat Grid error envelope (a few hundred bytes) from the
     * artifact; a longer body is no envelope, and the bytes read ahead stay buffered for the download.
     */
    private static final long ENVELOPE_PEEK = 64 * 1024;
    /** How far back the throttle and the outage check look: long enough to judge, short enough to notice recovery. */
    private static final Duration STATS_WINDOW = Duration.ofMinutes(2);

    private final ThreatGridService service;
    private final OkHttpClient http;
    private final RetryInterceptor retrier;
    /** harvester.http-timeout, named in the error of a call that timed out. */
    private final Duration timeout;
    private final Moshi moshi;
    /** Only for Retry-After given as an HTTP date. */
    private final Clock clock;
    private final CallStats calls;
    /** The configuration key of this client's API key, named when the server refuses it. */
    private final String keyName;

    private ThreatGridClient(ThreatGridService service, OkHttpClient http, RetryInterceptor retrier, Duration timeout,
                             Moshi moshi, Clock clock, CallStats calls, String keyName) {
        this.service = service;
        this.http = http;
        this.retrier = retrier;
        this.timeout = timeout;
        this.moshi = moshi;
        this.clock = clock;
        this.calls = calls;
        this.keyName = keyName;
    }

    /** A client for the default connection, the one tg.api-key and tg.base-url describe. */
    public static ThreatGridClient connect(HarvesterConfig config) {
        return connect(config, CallObserver.NONE);
    }

    /** A client for the default connection that tells {@code observer} how each attempt of a call ends. */
    public static ThreatGridClient connect(HarvesterConfig config, CallObserver observer) {
        return connect(config.connection(ConnectionConfig.DEFAULT), config, observer);
    }

    /** A client for {@code connection}, with the timeout and retries every connection shares. */
    public static ThreatGridClient connect(ConnectionConfig connection, HarvesterConfig shared) {
        return connect(connection, shared, CallObserver.NONE);
    }

    /** As {@link #connect(ConnectionConfig, HarvesterConfig)}, telling {@code observer} how each attempt ends. */
    public static ThreatGridClient connect(ConnectionConfig connection, HarvesterConfig shared,
                                           CallObserver observer) {
        return connect(connection, shared.httpTimeout(), shared.callRetries(), Optional.empty(), observer);
    }

    /** A client for {@code connection}; with a rate limit, every call (each retry too) first waits its turn. */
    public static ThreatGridClient connect(ConnectionConfig connection, Duration timeout,
                                           HarvesterConfig.CallRetries retries, Optional<CallRateLimit> rateLimit) {
        return connect(connection, timeout, retries, rateLimit, CallObserver.NONE);
    }

    private static ThreatGridClient connect(ConnectionConfig connection, Duration timeout,
                                            HarvesterConfig.CallRetries retries, Optional<CallRateLimit> rateLimit,
                                            CallObserver observer) {
        return build(connection.baseUrl(), connection.requireApiKey(), connection.authMode(), connection.proxy(),
                timeout, retries, ServerTrust.of(connection.caFile(), connection.pinsSha256()), connection.keyName(),
                rateLimit, observer);
    }

    /** A client that trusts the system's CAs, as for the cloud service or the simulator. */
    public static ThreatGridClient connect(URI baseUrl, ApiKeySource key, HarvesterConfig.AuthMode authMode,
                                           Optional<URI> proxy, Duration timeout,
                                           HarvesterConfig.CallRetries retries) {
        return build(baseUrl, key, authMode, proxy.map(p -> new ProxyRoute(Optional.of(p), Optional.empty(),
                "proxy")).orElse(ProxyRoute.DIRECT), timeout, retries, ServerTrust.systemCas(), "tg.api-key",
                Optional.empty(), CallObserver.NONE);
    }

    private static ThreatGridClient build(URI baseUrl, ApiKeySource key, HarvesterConfig.AuthMode authMode,
                                          ProxyRoute proxy, Duration timeout, HarvesterConfig.CallRetries retries,
                                          ServerTrust trust, String keyName, Optional<CallRateLimit> rateLimit,
                                          CallObserver observer) {
        Clock clock = Clock.systemUTC();
        // Outside the key's interceptor, so that each attempt carries the key as it is then.
        RetryInterceptor retrier = new RetryInterceptor(retries, clock, new Random());
        // Inside the retries, so that the throttle counts and may hold back every attempt.
        CallStats calls = new CallStats(clock, STATS_WINDOW);
        OkHttpClient.Builder http = new OkHttpClient.Builder().addInterceptor(retrier);
        // Inside the retries too, so that every attempt keeps to the rate.
        rateLimit.ifPresent(http::addInterceptor);
        http.addInterceptor(new ObservingInterceptor(observer))
                .addInterceptor(new ThrottleInterceptor(calls, () -> ThreadLocalRandom.current().nextDouble()))
                .addInterceptor(new ApiKeyInterceptor(key, authMode))
                .connectTimeout(timeout)
                .readTimeout(timeout)
                // Repeats are the RetryInterceptor's alone, so that each is bounded, counted and logged.
                .retryOnConnectionFailure(false);
        // Direct means direct: not a JVM-wide proxy setting either.
        http.proxy(proxy.proxy().map(p -> new Proxy(proxy.socks() ? Proxy.Type.SOCKS : Proxy.Type.HTTP,
                InetSocketAddress.createUnresolved(p.getHost(), p.getPort()))).orElse(Proxy.NO_PROXY));
        http.proxyAuthenticator(new ProxyAuthentication(proxy));
        trust.applyTo(http);
        Moshi moshi = new Moshi.Builder().build();
        String base = baseUrl.toString().endsWith("/") ? baseUrl.toString() : baseUrl + "/";
        OkHttpClient client = http.build();
        Retrofit retrofit = new Retrofit.Builder()
                .baseUrl(base)
                .client(client)
                .addConverterFactory(MoshiConverterFactory.create(moshi))
                .build();
        return new ThreatGridClient(retrofit.create(ThreatGridService.class), client, retrier, timeout, moshi, clock,
                calls, keyName);
    }

    /** How many calls were sent again after a passing failure (harvester.retry.*), since this client was made. */
    public long retries() {
        return retrier.retries();
    }

    /** The longest Retry-After a call waits out itself (harvester.retry.max-wait); a longer one is the schedule's. */
    public Duration longestRetryWait() {
        return retrier.longestWait();
    }

    /**
     * Cancels every call in progress, from any thread: its caller gets an {@link ApiUnavailable} at once, a retry
     * waiting its turn included, and an artifact being streamed is cut off. For a harvester that is stopping.
     */
    public void cancelCalls() {
        http.dispatcher().cancelAll();
    }

    /**
     * The cheapest call that shows whether Threat Grid answers again after an outage: a page of at most one sample,
     * submitted from now on. Throws the {@link ApiException} of its failure. Its success clears the throttle's
     * window, so calls resume at full rate at once rather than as the outage's refusals age out.
     */
    public void probe() {
        listSamples(clock.instant(), 1, 0);
        calls.clear();
    }

    /** What became of the calls of the last two minutes. */
    public CallStats.Window recentCalls() {
        return calls.window();
    }

    /**
     * One page of the organization's samples submitted at or after {@code after}, in whatever order the server lists
     * them (the order of this endpoint is not documented).
     */
    public ListPage listSamples(Instant after, int limit, int offset) {
        return listSamples(after, Optional.empty(), limit, offset);
    }

    /**
     * One page of the organization's samples submitted at or after {@code after} and, when given, before
     * {@code before} (a bound the list endpoint takes as ISO-8601, as integrations of /api/v2/samples document it).
     */
    public ListPage listSamples(Instant after, Optional<Instant> before, int limit, int offset) {
        WireTypes.ListEnvelope envelope = execute(LIST, service.listSamples(wireTime(after),
                before.map(ThreatGridClient::wireTime).orElse(null), limit, offset));
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

    /**
     * Opens an artifact for streaming, or empty when the analysis has none (404). From a byte offset above 0 it asks
     * for the rest only ({@code Range: bytes=<from>-}); the server may answer with that part (206, see
     * {@link ArtifactStream#partial()}) or with the whole artifact. An error envelope served in its place with status
     * 200 is an error like any other, never the artifact: reading the body then throws the {@link ApiException} it
     * stands for (see {@link #envelopeError}).
     */
    public Optional<ArtifactStream> openArtifact(String sampleId, String name, long from) {
        return openArtifact(sampleId, name, from, RetryWaits.NONE);
    }

    /** As {@link #openArtifact(String, String, long)}, with what the call does while it waits out a retry. */
    public Optional<ArtifactStream> openArtifact(String sampleId, String name, long from, RetryWaits waits) {
        if (!SampleIds.isValid(sampleId) || from < 0) {
            throw new IllegalArgumentException("not a sample id and offset: " + sampleId + " " + from);
        }
        String endpoint = "/api/v2/samples/" + sampleId + "/" + name;
        // With a Range header OkHttp asks for no gzip, so offsets count the same bytes as the first answer's.
        Call<ResponseBody> call = service.artifact(sampleId, name, from > 0 ? "bytes=" + from + "-" : null, waits);
        Response<ResponseBody> response = send(endpoint, call);
        if (response.code() == 404) {
            closeQuietly(response.errorBody());
            return Optional.empty();
        }
        ResponseBody body = response.isSuccessful() ? response.body() : null;
        if (body == null) {
            throw failure(endpoint, response);
        }
        Optional<ContentRange> partial = ContentRange.parse(response.headers().get("Content-Range"));
        if (response.code() == 206 && partial.isEmpty()) {
            body.close();
            throw new MalformedResponse(endpoint, "HTTP 206 without a byte range in Content-Range");
        }
        InputStream stream = !mayBeJson(name, body.contentType()) ? body.byteStream()
                : new EnvelopeCheckedBody(body.source(), () -> {
                    Optional<WireTypes.ErrorBody> error = envelopeError(body.source());
                    if (error.isPresent()) {
                        throw failureIn200(endpoint, error.get(), response.headers());
                    }
                });
        long length = body.contentLength();
        return Optional.of(new ArtifactStream(stream, length >= 0 ? OptionalLong.of(length) : OptionalLong.empty(),
                response.code() == 206 ? partial : Optional.empty(), body, call::cancel));
    }

    private static String wireTime(Instant time) {
        return DateTimeFormatter.ISO_INSTANT.format(time.truncatedTo(ChronoUnit.SECONDS));
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

    private <T extends WireTypes.Enveloped> T execute(String endpoint, Call<T> call) {
        Response<T> response = send(endpoint, call);
        if (!response.isSuccessful()) {
            throw failure(endpoint, response);
        }
        T body = response.body();
        if (body == null) {
            throw new MalformedResponse(endpoint, "empty body");
        }
        if (body.error() != null) {
            throw failureIn200(endpoint, body.error(), response.headers());
        }
        return body;
    }

    /** JSON artifacts, and any artifact the server labels JSON: a pcap or a video never is. */
    private static boolean mayBeJson(String name, MediaType contentType) {
        return name.endsWith(".json") || (contentType != null && contentType.subtype().contains("json"));
    }

    /**
     * The error of a Threat Grid error envelope served as an artifact. Artifacts are raw bodies, never enveloped,
     * and analysis.json's top level holds metadata, status, threat, iocs, network and the like (the public
     * examples), never {@code api_version} beside an {@code error} object: only an envelope has both. Only a body
     * that ends within {@link #ENVELOPE_PEEK} bytes is looked at; what is read stays buffered in {@code source}.
     */
    private Optional<WireTypes.ErrorBody> envelopeError(BufferedSource source) throws IOException {
        if (source.request(ENVELOPE_PEEK + 1)) {
            return Optional.empty();
        }
        try {
            WireTypes.ErrorEnvelope envelope = moshi.adapter(WireTypes.ErrorEnvelope.class).fromJson(source.peek());
            return envelope != null && envelope.apiVersion() != null ? Optional.ofNullable(envelope.error())
                    : Optional.empty();
        } catch (JsonDataException | JsonEncodingException | EOFException notAnEnvelope) {
            return Optional.empty();
        }
    }

    private <T> Response<T> send(String endpoint, Call<T> call) {
        try {
            return call.execute();
        } catch (JsonDataException | JsonEncodingException | EOFException e) {
            throw new MalformedResponse(endpoint, e.getMessage() == null ? "truncated body" : e.getMessage());
        } catch (ThrottleInterceptor.HeldBack e) {
            throw new ApiUnavailable("not sent to " + endpoint + ": " + e.getMessage(), Optional.empty());
        } catch (ProxyAuthentication.Refused e) {
            throw new ProxyRefused(e.getMessage());
        } catch (IOException e) {
            HttpUrl url = call.request().url();
            Optional<ServerNotTrusted> untrusted = ServerTrust.refusal(origin(url), e);
            if (untrusted.isPresent()) {
                throw untrusted.get();
            }
            String what = call.isCanceled() ? "the call was cancelled"
                    : TransportFailure.of(e).describe(e, url, timeout);
            throw new ApiUnavailable("cannot reach Threat Grid for " + endpoint + ": " + what, Optional.empty());
        }
    }

    /** Scheme, host and port only: the query may hold the key. */
    private static String origin(HttpUrl url) {
        return url.scheme() + "://" + url.host() + ":" + url.port();
    }

    private ApiException failure(String endpoint, Response<?> response) {
        return failure(endpoint, response.code(), "HTTP " + response.code(), errorMessage(response.errorBody()),
                response.headers());
    }

    /**
     * A 200 answer carrying an error envelope is read as the error's own code says, as if that had been the status:
     * 401/403 a refused key, 429 a rate limit, 5xx an outage; another 4xx a rejected request; anything else (no code,
     * or one that is no HTTP error status) an answer not in Threat Grid's format.
     */
    private ApiException failureIn200(String endpoint, WireTypes.ErrorBody error, Headers headers) {
        int code = error.code() == null ? 0 : error.code().intValue();
        String status = error.code() == null ? "HTTP 200 with an error" : "HTTP 200 with error " + code;
        return failure(endpoint, code, status, error.text(), headers);
    }

    private ApiException failure(String endpoint, int code, String status, String message, Headers headers) {
        Optional<Duration> retryAfter = RetryAfter.parse(headers.get("Retry-After"), clock.instant());
        if (code == 401 || code == 403) {
            return new AuthenticationFailed(endpoint, status, keyName);
        }
        if (code == 429) {
            return new RateLimited(endpoint, retryAfter);
        }
        if (code >= 500 && code <= 599) {
            return new ApiUnavailable("Threat Grid answered " + status + " on " + endpoint + ": " + message,
                    retryAfter);
        }
        if (code >= 400 && code <= 499) {
            return new RequestRejected(endpoint, status, message);
        }
        return new MalformedResponse(endpoint, status + ": " + message);
    }

    private String errorMessage(ResponseBody errorBody) {
        if (errorBody == null) {
            return "no message";
        }
        try (errorBody) {
            WireTypes.ErrorEnvelope envelope = moshi.adapter(WireTypes.ErrorEnvelope.class).fromJson(errorBody.source());
            return envelope != null && envelope.error() != null ? envelope.error().text() : "no message";
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
