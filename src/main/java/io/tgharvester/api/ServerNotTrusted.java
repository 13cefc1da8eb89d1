package io.tgharvester.api;

/**
 * The TLS handshake found a certificate the harvester does not trust, or one for another host name. Only an operator
 * can fix this (tg.ca-file or tg.pin-sha256, or the server's certificate), so the message says what to set.
 */
public final class ServerNotTrusted extends ApiException {
    public ServerNotTrusted(String message) {
        super(message);
    }
}
