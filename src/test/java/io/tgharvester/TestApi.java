package io.tgharvester;

import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.config.ApiKey;
import io.tgharvester.config.HarvesterConfig.AuthMode;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** A Threat Grid client for a loopback test server: header auth, no proxy, short timeouts. */
public final class TestApi {
    private TestApi() {
    }

    public static ThreatGridClient client(String baseUrl) {
        return ThreatGridClient.connect(URI.create(baseUrl), new ApiKey("key"), AuthMode.HEADER, Optional.empty(),
                Duration.ofSeconds(2));
    }
}
