package io.tgharvester.api;

/**
 * A Threat Grid call that did not give a usable answer. Each subtype is a failure the caller acts on differently.
 * Messages name the endpoint path only, never the query string, so the API key cannot appear in them.
 */
public abstract sealed class ApiException extends RuntimeException
        permits AuthenticationFailed, RateLimited, ApiUnavailable, MalformedResponse, RequestRejected,
        ServerNotTrusted {
    protected ApiException(String message) {
        super(message);
    }
}
