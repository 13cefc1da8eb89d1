package io.tgharvester.api;

/** 401/403: the key is wrong or lacks rights; retrying with the same key will not help. */
public final class AuthenticationFailed extends ApiException {
    public AuthenticationFailed(String endpoint, int code) {
        super("Threat Grid refused the API key (HTTP " + code + " on " + endpoint
                + "): check TG_API_KEY / tg.api-key and that the key's user may read the organization's samples");
    }
}
