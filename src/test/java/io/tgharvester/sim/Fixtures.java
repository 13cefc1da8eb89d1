package io.tgharvester.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The organization most simulator tests use: every outcome common enough to show up among 40 samples. */
final class Fixtures {
    static final String KEY = "sim-test-key";
    static final Instant START = Instant.parse("2026-11-20T12:00:00Z");

    private Fixtures() {
    }

    /** 10 history samples over an hour, then one every ~20 s up to 40; a fifth fail, a third lack video or pcap. */
    static SimulatorConfig mixed() {
        return new SimulatorConfig(KEY, List.of("ann.soc", "ben.ir", "cid.hunt"), 0.2, Duration.ofSeconds(20), 10,
                Duration.ofHours(1), 40, Duration.ofSeconds(10), 0.2, 0.3, 0.3, 11L);
    }
}
