package io.tgharvester.api;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.tgharvester.TestApi;
import io.tgharvester.TgJson;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A server that does not answer in time, a host that does not resolve, a port nobody listens on. */
class UnreachableServerTest {
    private static final String KEY = "k3y-Unreachable-0123456789";
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    private static ThreatGridClient client(String baseUrl, String httpTimeout) {
        return TestApi.configured(Map.of("tg.api-key", KEY, "tg.base-url", baseUrl, "tg.auth", "query",
                "harvester.http-timeout", httpTimeout));
    }

    @Test
    void aServerSlowerThanTheHttpTimeoutIsRetriedThenUnavailableNamingTheTimeout() {
        // harvester.http-timeout is 60s by default; 500ms here keeps three timed-out attempts within two seconds.
        wm.stubFor(get(urlPathEqualTo("/api/v2/samples"))
                .willReturn(okJson(TgJson.page(0, 10, List.of())).withFixedDelay(2_000)));
        ThreatGridClient client = client(wm.baseUrl(), "500ms");

        ApiUnavailable e = assertThrows(ApiUnavailable.class, () -> client.listSamples(T0, 10, 0));

        assertEquals("cannot reach Threat Grid for /api/v2/samples: no answer within harvester.http-timeout (500ms)",
                e.getMessage());
        assertEquals(3, wm.findAll(getRequestedFor(urlPathEqualTo("/api/v2/samples"))).size());
        assertEquals(2, client.retries());
    }

    @Test
    void aHostThatDoesNotResolveIsUnavailableNamingTheLookupWithoutRetrying() {
        // .invalid never resolves (RFC 6761): the resolver refuses the name, and no request leaves for any host.
        ThreatGridClient client = client("https://tg.invalid", "5s");

        ApiUnavailable e = assertThrows(ApiUnavailable.class, () -> client.listSamples(T0, 10, 0));

        assertTrue(e.getMessage().startsWith("cannot reach Threat Grid for /api/v2/samples: host lookup failed for"
                + " tg.invalid"), e.getMessage());
        assertFalse(e.getMessage().contains(KEY), e.getMessage());
        assertEquals(0, client.retries(), "a failed lookup is cached by Java for longer than the retries last");
    }

    @Test
    void aRefusedPortIsRetriedThenUnavailableSayingConnectionRefused() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        ThreatGridClient client = client("http://127.0.0.1:" + port, "5s");

        ApiUnavailable e = assertThrows(ApiUnavailable.class, () -> client.listSamples(T0, 10, 0));

        assertTrue(e.getMessage().startsWith("cannot reach Threat Grid for /api/v2/samples: cannot connect to"
                + " 127.0.0.1:" + port), e.getMessage());
        assertTrue(e.getMessage().toLowerCase(Locale.ROOT).contains("connection refused"), e.getMessage());
        assertEquals(2, client.retries());
    }
}
