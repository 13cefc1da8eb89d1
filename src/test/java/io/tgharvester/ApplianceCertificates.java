package io.tgharvester;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import okhttp3.CertificatePinner;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/** Certificates made for the HTTPS tests, shaped like an on-premises appliance's. */
public final class ApplianceCertificates {
    /** Self-signed with the appliance's default name, which is not the address a client connects to. */
    public static final HeldCertificate SELF_SIGNED = new HeldCertificate.Builder()
            .commonName("pandem").addSubjectAlternativeName("pandem").build();
    /** An organization's own CA, unknown to the system. */
    public static final HeldCertificate COMPANY_CA = new HeldCertificate.Builder()
            .certificateAuthority(0).commonName("Example Corp Appliance CA").build();
    /** Signed by {@link #COMPANY_CA} for the loopback address the tests connect to. */
    public static final HeldCertificate CA_SIGNED = new HeldCertificate.Builder()
            .commonName("tg-appliance.example.internal").addSubjectAlternativeName("127.0.0.1")
            .signedBy(COMPANY_CA).build();

    private ApplianceCertificates() {
    }

    /** What a server presenting {@code certificate} (and the chain above it) needs. */
    public static SSLContext serverPresenting(HeldCertificate certificate, HeldCertificate... chain) {
        HandshakeCertificates.Builder server = new HandshakeCertificates.Builder();
        X509Certificate[] intermediates = new X509Certificate[chain.length];
        for (int i = 0; i < chain.length; i++) {
            intermediates[i] = chain[i].certificate();
        }
        return server.heldCertificate(certificate, intermediates).build().sslContext();
    }

    /** The key pin as OkHttp prints it, {@code sha256/BASE64}. */
    public static String pin(HeldCertificate certificate) {
        return CertificatePinner.pin(certificate.certificate());
    }

    /** {@code certificate} as a PEM file, for tg.ca-file. */
    public static Path pemFile(Path dir, HeldCertificate certificate) throws IOException {
        return Files.writeString(dir.resolve("ca.pem"), certificate.certificatePem());
    }
}
