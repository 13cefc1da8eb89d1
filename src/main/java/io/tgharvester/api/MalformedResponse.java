package io.tgharvester.api;

/** The server answered, but not in Threat Grid's format (broken JSON, missing envelope, truncated body). */
public final class MalformedResponse extends ApiException {
    public MalformedResponse(String endpoint, String detail) {
        super("malformed answer from " + endpoint + ": " + detail);
    }
}
