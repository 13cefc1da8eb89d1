package io.tgharvester.api;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Set;
import javax.net.ssl.X509TrustManager;
import okhttp3.CertificatePinner;

/**
 * Decides during the TLS handshake whether Threat Grid's certificate is trusted: by the CAs (the system's and
 * tg.ca-file's), by a pinned key (tg.pin-sha256), or by both when both are configured. A refusal names the
 * certificate and its key pin, so that the operator can check the pin against the appliance and configure it.
 */
final class ServerCertificateCheck implements X509TrustManager {
    private final X509TrustManager cas;
    private final Set<String> pins;
    private final boolean casWithPins;

    /**
     * @param cas         the system's CAs and tg.ca-file's
     * @param pins        tg.pin-sha256 in OkHttp's {@code sha256/BASE64} form; empty: the CAs decide alone
     * @param casWithPins whether pinned servers must also have a CA-signed certificate (tg.ca-file set beside pins)
     */
    ServerCertificateCheck(X509TrustManager cas, Set<String> pins, boolean casWithPins) {
        this.cas = cas;
        this.pins = Set.copyOf(pins);
        this.casWithPins = casWithPins;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new Untrusted("the server sent no certificate");
        }
        X509Certificate leaf = chain[0];
        String pin = CertificatePinner.pin(leaf);
        String certificate = "certificate " + leaf.getSubjectX500Principal().getName() + " (key pin " + pin + ")";
        if (pins.isEmpty() || casWithPins) {
            try {
                cas.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                throw new Untrusted(certificate + " fails the check against trusted CAs: " + innermostMessage(e));
            }
        }
        if (!pins.isEmpty()) {
            if (!pins.contains(pin)) {
                throw new Untrusted(certificate + " does not have a key pinned in tg.pin-sha256");
            }
            // The pin replaces the CA, not the rest of the checks: an expired certificate stays refused.
            try {
                leaf.checkValidity();
            } catch (CertificateException e) {
                throw new Untrusted(certificate + " is outside its validity period: " + innermostMessage(e));
            }
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        cas.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return cas.getAcceptedIssuers();
    }

    /** Whether {@code certificate}'s key is pinned; a pinned key identifies the server whatever names it holds. */
    boolean pinned(X509Certificate certificate) {
        return pins.contains(CertificatePinner.pin(certificate));
    }

    private static String innermostMessage(Throwable e) {
        Throwable inner = e;
        while (inner.getCause() != null && inner.getCause().getMessage() != null) {
            inner = inner.getCause();
        }
        return inner.getMessage() == null ? inner.getClass().getSimpleName() : inner.getMessage();
    }

    /** A refusal of this check, told apart from other handshake failures by its type. */
    static final class Untrusted extends CertificateException {
        Untrusted(String message) {
            super(message);
        }
    }
}
