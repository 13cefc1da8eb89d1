package io.tgharvester;

import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.config.ApiKey;
import io.tgharvester.config.ConfigLoader;
import io.tgharvester.config.HarvesterConfig.AuthMode;
import io.tgharvester.config.HarvesterConfig.CallRetries;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** A Threat Grid client for a loopback test server: header auth, no proxy, short timeouts, the packaged retries. */
public final class TestApi {
    /** harvester.retry.* as conf/harvester.properties sets them. */
    public static final CallRetries PACKAGED_RETRIES = new ConfigLoader(Map.of(), Optional.empty())
            .load(Optional.empty(), Map.of()).callRetries();

    private TestApi() {
    }

    public static ThreatGridClient client(String baseUrl) {
        return ThreatGridClient.connect(URI.create(baseUrl), new ApiKey("key"), AuthMode.HEADER, Optional.empty(),
                Duration.ofSeconds(2), PACKAGED_RETRIES);
    }

    /** A client made as the harvester makes its own: the packaged configuration with {@code settings} over it. */
    public static ThreatGridClient configured(Map<String, String> settings) {
        return ThreatGridClient.connect(new ConfigLoader(Map.of(), Optional.empty()).load(Optional.empty(), settings));
    }
}
