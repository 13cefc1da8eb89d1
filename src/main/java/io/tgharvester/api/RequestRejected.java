package io.tgharvester.api;

/** Another 4xx: the server understood and refused this request; its own message is kept. */
public final class RequestRejected extends ApiException {
    private final int code;

    public RequestRejected(String endpoint, int code, String serverMessage) {
        super("Threat Grid rejected " + endpoint + " (HTTP " + code + "): " + serverMessage);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
