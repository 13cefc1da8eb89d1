package io.tgharvester.cli;

import static io.tgharvester.ApplianceCertificates.SELF_SIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.ApplianceCertificates;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run --once} against an appliance-like HTTPS simulator with a self-signed certificate named pandem. */
class ApplianceTlsCommandTest {
    private static final String KEY = "SECRET-tls-key-77e1c0";

    @TempDir
    Path dataDir;
    private ThreatGridSimulator appliance;

    @BeforeEach
    void startAppliance() {
        appliance = new ThreatGridSimulator(SimulatorConfig.defaults(KEY), Clock.systemUTC());
        appliance.startHttps(0, ApplianceCertificates.serverPresenting(SELF_SIGNED));
    }

    @AfterEach
    void stopAppliance() {
        appliance.close();
    }

    private Map<String, String> env(Map<String, String> more) {
        Map<String, String> env = new HashMap<>(Map.of("TG_API_KEY", KEY, "TG_BASE_URL",
                appliance.baseUrl().toString(), "TG_DATA_DIR", dataDir.toString()));
        env.putAll(more);
        return env;
    }

    @Test
    void anUntrustedCertificateExitsFourWithOneLineThatSaysWhatToSet() {
        CliRun.Result result = CliRun.run(env(Map.of()), "run", "--once");

        assertEquals(4, result.exitCode(), result.err());
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().startsWith("tg-harvester: Threat Grid at " + appliance.baseUrl() + " is not trusted"),
                result.err());
        assertTrue(result.err().contains("tg.ca-file") && result.err().contains("tg.pin-sha256")
                && result.err().contains(ApplianceCertificates.pin(SELF_SIGNED)), result.err());
        assertEquals(1, result.logs().lines().filter(line -> line.contains("event=stage-failed")).count(),
                result.logs());
        assertFalse(result.everything().contains(KEY));
    }

    @Test
    void thePinFromTheEnvironmentTrustsTheApplianceAndTheHarvestRuns() {
        CliRun.Result result = CliRun.run(env(Map.of("TG_PIN_SHA256", ApplianceCertificates.pin(SELF_SIGNED))),
                "run", "--once");

        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().matches("(?s)samples [1-9][0-9]* .*artifacts done [1-9].*"), result.out());
    }
}
