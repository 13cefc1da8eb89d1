package io.tgharvester.api;

import okhttp3.ResponseBody;
import retrofit2.Call;
import retrofit2.http.GET;
import retrofit2.http.Header;
import retrofit2.http.Path;
import retrofit2.http.Query;
import retrofit2.http.Streaming;
import retrofit2.http.Tag;

/** The Threat Grid v2 endpoints the harvester calls. The key is added by {@link ApiKeyInterceptor}. */
interface ThreatGridService {
    /**
     * {@code org_only=True} is part of the path template, not a parameter: no caller can drop it or spell it
     * differently, so the harvester can never ask for the global dataset. No sort_by/sort_order: they are documented
     * only for /api/v2/search/submissions, and the fetcher is built not to depend on the order. {@code before} null:
     * no upper bound (Retrofit sends no parameter for a null value).
     */
    @GET("api/v2/samples?org_only=True")
    Call<WireTypes.ListEnvelope> listSamples(@Query("after") String after, @Query("before") String before,
                                             @Query("limit") int limit, @Query("offset") int offset);

    /** {@code ids} is a JSON list of sample ids; Retrofit URL-encodes it. */
    @GET("api/v2/samples/state")
    Call<WireTypes.StateEnvelope> states(@Query("ids") String idsJson);

    /**
     * {@code range} null: the whole artifact (Retrofit sends no header for a null value). {@code waits} travels as
     * the request's tag to the {@link RetryInterceptor}.
     */
    @Streaming
    @GET("api/v2/samples/{id}/{name}")
    Call<ResponseBody> artifact(@Path("id") String sampleId, @Path("name") String name,
                                @Header("Range") String range, @Tag RetryWaits waits);
}
