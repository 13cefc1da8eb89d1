package io.tgharvester.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.tgharvester.TestClock;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ThrottleInterceptorTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    private final TestClock clock = new TestClock(Instant.parse("2026-11-20T10:00:00Z"));
    private final CallStats stats = new CallStats(clock, Duration.ofMinutes(2));
    /** Draws 0: every attempt the throttle may hold back, it holds back. */
    private final OkHttpClient http = new OkHttpClient.Builder()
            .addInterceptor(new ThrottleInterceptor(stats, () -> 0.0)).build();

    private int call(String url) throws IOException {
        try (Response response = http.newCall(new Request.Builder().url(url).build()).execute()) {
            return response.code();
        }
    }

    private int served() {
        return wm.findAll(getRequestedFor(urlPathEqualTo("/x"))).size();
    }

    @Test
    void aServerThatRefusesEverythingSeesFewerCallsAndRecoveryIsNoticedOnceTheWindowMovesOn() throws Exception {
        wm.stubFor(get("/x").willReturn(aResponse().withStatus(503)));
        for (int i = 0; i < 10; i++) {
            assertEquals(503, call(wm.baseUrl() + "/x"));
        }
        assertThrows(ThrottleInterceptor.HeldBack.class, () -> call(wm.baseUrl() + "/x"));
        assertEquals(10, served(), "held back locally, never sent");
        assertTrue(stats.window().serverDown(), "nothing accepted in a busy window");

        wm.stubFor(get("/x").willReturn(ok()));
        clock.advance(Duration.ofMinutes(2).plusSeconds(1));
        assertEquals(200, call(wm.baseUrl() + "/x"), "refusals age out of the window, and a call goes out");
        assertFalse(stats.window().serverDown());
    }

    @Test
    void aServerThatAcceptsMostCallsIsNeverThrottled() throws Exception {
        wm.stubFor(get("/x").willReturn(ok()));
        wm.stubFor(get("/y").willReturn(aResponse().withStatus(429)));
        for (int i = 0; i < 40; i++) {
            call(wm.baseUrl() + (i % 4 == 0 ? "/y" : "/x")); // a quarter refused
        }
        assertEquals(0.0, stats.window().holdBackShare(2.0));
        assertEquals(30, served());
    }

    @Test
    void aPortNobodyListensOnCountsAsUnreachableAndThreeInARowMeanDown() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        for (int i = 0; i < 3; i++) {
            assertFalse(stats.window().serverDown());
            assertThrows(IOException.class, () -> call("http://127.0.0.1:" + port + "/x"));
        }
        assertTrue(stats.window().serverDown());
        assertEquals(3, stats.window().unreachableInARow());
    }
}
