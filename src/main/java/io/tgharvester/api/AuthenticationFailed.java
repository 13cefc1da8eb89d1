package io.tgharvester.api;

/** 401/403: the key is wrong or lacks rights; retrying with the same key will not help. */
public final class AuthenticationFailed extends ApiException {
    /** @param status how the server said so, e.g. {@code HTTP 401} */
    public AuthenticationFailed(String endpoint, String status) {
        this(endpoint, status, "tg.api-key");
    }

    /** @param keyName the configuration key of the refused key: tg.api-key, or a connection's api-key */
    public AuthenticationFailed(String endpoint, String status, String keyName) {
        super("Threat Grid refused the API key (" + status + " on " + endpoint + "): check "
                + (keyName.equals("tg.api-key") ? "TG_API_KEY / tg.api-key" : keyName + " (or " + keyName + "-file)")
                + " and that the key's user may read the organization's samples");
    }
}
