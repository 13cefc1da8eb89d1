package io.tgharvester.api;

/** 401/403: the key is wrong or lacks rights; retrying with the same key will not help. */
public final class AuthenticationFailed extends ApiException {
    /** @param status how the server said so, e.g. {@code HTTP 401} */
    public AuthenticationFailed(String endpoint, String status) {
        super("Threat Grid refused the API key (" + status + " on " + endpoint
                + "): check TG_API_KEY / tg.api-key and that the key's user may read the organization's samples");
    }
}
