package io.tgharvester.api;

import io.tgharvester.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;

/**
 * Which TLS certificates Threat Grid may present. Verification is never off; what can be configured is whom to trust:
 * <ul>
 *   <li>by default the system's CAs, with the certificate naming the host of tg.base-url, as any HTTPS client;</li>
 *   <li>tg.ca-file adds CAs: an appliance's own CA, or its self-signed certificate when tg.base-url uses a name the
 *       certificate holds;</li>
 *   <li>tg.pin-sha256 trusts exactly the servers whose certificate key has one of these pins: for an appliance with
 *       a self-signed certificate. The handshake proves the server holds the pinned key, so the key is its identity
 *       and the certificate's names are not asked for (an appliance's is {@code pandem} by default, while tg.base-url
 *       usually names an address). With tg.ca-file as well, both must hold.</li>
 * </ul>
 * OkHttp's {@code CertificatePinner} cannot enforce such a pin: it checks pins on a chain it has cleaned up to a
 * trusted CA, which a self-signed certificate does not have. So {@link ServerCertificateCheck} checks the pin itself.
 */
public final class ServerTrust {
    private final List<X509Certificate> extraCas;
    private final Set<String> pins;

    private ServerTrust(List<X509Certificate> extraCas, Set<String> pins) {
        this.extraCas = List.copyOf(extraCas);
        this.pins = Set.copyOf(pins);
    }

    /** The system's CAs only. */
    public static ServerTrust systemCas() {
        return new ServerTrust(List.of(), Set.of());
    }

    /**
     * @param caFile PEM certificates to trust beside the system's (tg.ca-file)
     * @param pins   key pins in OkHttp's {@code sha256/BASE64} form (tg.pin-sha256, checked by the config loader)
     */
    public static ServerTrust of(Optional<Path> caFile, List<String> pins) {
        return new ServerTrust(caFile.map(ServerTrust::readCertificates).orElse(List.of()), Set.copyOf(pins));
    }

    void applyTo(OkHttpClient.Builder http) {
        HandshakeCertificates.Builder cas = new HandshakeCertificates.Builder().addPlatformTrustedCertificates();
        extraCas.forEach(cas::addTrustedCertificate);
        ServerCertificateCheck check = new ServerCertificateCheck(cas.build().trustManager(), pins,
                !extraCas.isEmpty());
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {check}, null);
            http.sslSocketFactory(tls.getSocketFactory(), check);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime cannot set up TLS", e);
        }
        if (!pins.isEmpty()) {
            http.hostnameVerifier((host, session) -> leaf(session).filter(check::pinned).isPresent());
        }
    }

    /**
     * The one line for a handshake that refused the server's certificate, saying what to set; empty when {@code e}
     * is another failure (a refused connection, a handshake that failed for other reasons).
     *
     * @param origin the server as {@code https://host:port}, never a URL with its query
     */
    static Optional<ServerNotTrusted> refusal(String origin, IOException e) {
        Optional<ServerCertificateCheck.Untrusted> untrusted = causes(e)
                .filter(ServerCertificateCheck.Untrusted.class::isInstance)
                .map(ServerCertificateCheck.Untrusted.class::cast).findFirst();
        if (e instanceof SSLHandshakeException && untrusted.isPresent()) {
            return Optional.of(new ServerNotTrusted("Threat Grid at " + origin + " is not trusted: "
                    + untrusted.get().getMessage() + ". For an appliance with its own certificate, set tg.ca-file to"
                    + " the PEM file of the CA that signed it, or tg.pin-sha256 to the key pin above once you have"
                    + " checked it against the appliance's certificate"));
        }
        if (e instanceof SSLPeerUnverifiedException) {
            // OkHttp's hostname check; its message lists the certificate's pin, subject and names over several lines.
            return Optional.of(new ServerNotTrusted("Threat Grid at " + origin + " presented a certificate for another"
                    + " name (" + oneLine(e.getMessage()) + "). Use a tg.base-url with a name the certificate holds,"
                    + " or trust the server by its key with tg.pin-sha256"));
        }
        return Optional.empty();
    }

    private static Optional<X509Certificate> leaf(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? Optional.of(leaf) : Optional.empty();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }

    private static List<X509Certificate> readCertificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> read = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> certificates = read.stream().filter(X509Certificate.class::isInstance)
                    .map(X509Certificate.class::cast).toList();
            if (certificates.isEmpty()) {
                throw new CertificateException("no certificate in it");
            }
            return certificates;
        } catch (IOException e) {
            throw new ConfigException("tg.ca-file: cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        } catch (CertificateException e) {
            throw new ConfigException("tg.ca-file: " + file + " is not a file of PEM certificates"
                    + " (-----BEGIN CERTIFICATE-----): " + oneLine(e.getMessage()));
        }
    }

    private static Stream<Throwable> causes(Throwable e) {
        return Stream.iterate(e, t -> t != null, Throwable::getCause).limit(10);
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s+", " ");
    }
}
