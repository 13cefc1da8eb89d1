package io.tgharvester.api;

import static io.tgharvester.ApplianceCertificates.CA_SIGNED;
import static io.tgharvester.ApplianceCertificates.COMPANY_CA;
import static io.tgharvester.ApplianceCertificates.SELF_SIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tgharvester.ApplianceCertificates;
import io.tgharvester.TestClock;
import io.tgharvester.config.ConfigException;
import io.tgharvester.config.ConfigLoader;
import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.sim.SimulatorConfig;
import io.tgharvester.sim.ThreatGridSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harvester against the simulator serving HTTPS with certificates made here, as appliances present them. */
class ServerTrustTest {
    private static final String KEY = "tls-test-key-0123456789";
    private static final Instant START = Instant.parse("2026-11-20T10:00:00Z");

    @TempDir
    Path dir;
    private ThreatGridSimulator simulator;

    @AfterEach
    void stop() {
        simulator.close();
    }

    private void serve(SSLContext tls) {
        simulator = new ThreatGridSimulator(SimulatorConfig.defaults(KEY), new TestClock(START));
        simulator.startHttps(0, tls);
    }

    /** A client configured as an operator would, through the configuration keys. */
    private ThreatGridClient client(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(settings);
        all.putAll(Map.of("tg.api-key", KEY, "tg.base-url", simulator.baseUrl().toString(), "tg.auth", "header",
                "harvester.http-timeout", "5s"));
        HarvesterConfig config = new ConfigLoader(Map.of(), Optional.empty()).load(Optional.empty(), all);
        return ThreatGridClient.connect(config);
    }

    private static int listed(ThreatGridClient client) {
        return client.listSamples(START.minus(Duration.ofDays(1)), 100, 0).itemCount();
    }

    @Test
    void aSelfSignedApplianceIsRefusedWithoutAnOptionAndTheLineSaysWhatToSet() {
        serve(ApplianceCertificates.serverPresenting(SELF_SIGNED));
        ThreatGridClient client = client(Map.of());

        ServerNotTrusted e = assertThrows(ServerNotTrusted.class, () -> listed(client));

        String message = e.getMessage();
        assertTrue(message.startsWith("Threat Grid at " + simulator.baseUrl() + " is not trusted: certificate CN=pandem"
                + " (key pin " + ApplianceCertificates.pin(SELF_SIGNED) + ")"), message);
        assertTrue(message.contains("tg.ca-file") && message.contains("tg.pin-sha256"), message);
        assertEquals(1, message.lines().count(), message);
        assertFalse(message.contains(KEY));
        assertEquals(0, simulator.requests().size(), "nothing, the key least of all, reaches an untrusted server");
        assertEquals(0, client.retries(), "a refused certificate is refused again: no retry");
    }

    @Test
    void aCompanyCaInTheCaFileIsTrustedBesideTheSystemOnes() throws Exception {
        serve(ApplianceCertificates.serverPresenting(CA_SIGNED, COMPANY_CA));
        assertThrows(ServerNotTrusted.class, () -> listed(client(Map.of())), "unknown to the system");

        int listed = listed(client(Map.of("tg.ca-file", ApplianceCertificates.pemFile(dir, COMPANY_CA).toString())));

        assertTrue(listed > 0, "the simulator's history is listed over HTTPS");
    }

    @Test
    void theCaFileDoesNotExcuseACertificateForAnotherName() throws Exception {
        serve(ApplianceCertificates.serverPresenting(SELF_SIGNED));

        ServerNotTrusted e = assertThrows(ServerNotTrusted.class, () -> listed(client(Map.of(
                "tg.ca-file", ApplianceCertificates.pemFile(dir, SELF_SIGNED).toString()))));

        assertTrue(e.getMessage().contains("certificate for another name") && e.getMessage().contains("pandem")
                && e.getMessage().contains("tg.pin-sha256"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void theRightPinTrustsASelfSignedApplianceWhateverNameItsCertificateHolds() {
        serve(ApplianceCertificates.serverPresenting(SELF_SIGNED));
        String otherPin = ApplianceCertificates.pin(new HeldCertificate.Builder().commonName("other").build());

        int listed = listed(client(Map.of("tg.pin-sha256",
                otherPin + ", " + ApplianceCertificates.pin(SELF_SIGNED))));

        assertTrue(listed > 0);
    }

    @Test
    void aWrongPinIsRefusedEvenForACertificateTheCasTrust() throws Exception {
        serve(ApplianceCertificates.serverPresenting(CA_SIGNED, COMPANY_CA));
        String ca = ApplianceCertificates.pemFile(dir, COMPANY_CA).toString();

        ServerNotTrusted e = assertThrows(ServerNotTrusted.class, () -> listed(client(Map.of(
                "tg.ca-file", ca, "tg.pin-sha256", ApplianceCertificates.pin(SELF_SIGNED)))));

        assertTrue(e.getMessage().contains("key pin " + ApplianceCertificates.pin(CA_SIGNED) + ")")
                && e.getMessage().contains("does not have a key pinned in tg.pin-sha256"), e.getMessage());
        assertTrue(listed(client(Map.of("tg.ca-file", ca, "tg.pin-sha256", ApplianceCertificates.pin(CA_SIGNED))))
                > 0, "with both set, both hold");
    }

    @Test
    void aWrongPinIsRefusedForASelfSignedAppliance() {
        serve(ApplianceCertificates.serverPresenting(SELF_SIGNED));

        assertThrows(ServerNotTrusted.class, () -> listed(client(Map.of(
                "tg.pin-sha256", ApplianceCertificates.pin(CA_SIGNED)))));
        assertEquals(0, simulator.requests().size());
    }

    @Test
    void aCaFileThatHoldsNoCertificateIsAConfigurationError() throws Exception {
        serve(ApplianceCertificates.serverPresenting(SELF_SIGNED));
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");

        ConfigException e = assertThrows(ConfigException.class, () -> client(Map.of("tg.ca-file", notPem.toString())));

        assertTrue(e.getMessage().startsWith("tg.ca-file: " + notPem), e.getMessage());
        assertThrows(ConfigException.class, () -> client(Map.of("tg.ca-file", dir.resolve("absent.pem").toString())));
    }
}
