package io.tgharvester.api;

/**
 * The HTTP proxy on the way to Threat Grid answered 407: it wants credentials, or refused the ones given. Only an
 * operator can fix this (the proxy credentials keys), so the message says what to set.
 */
public final class ProxyRefused extends ApiException {
    public ProxyRefused(String message) {
        super(message);
    }
}
