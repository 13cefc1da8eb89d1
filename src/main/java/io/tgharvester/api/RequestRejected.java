package io.tgharvester.api;

/** Another 4xx: the server understood and refused this request; its own message is kept. */
public final class RequestRejected extends ApiException {
    /** @param status how the server said so, e.g. {@code HTTP 400} */
    public RequestRejected(String endpoint, String status, String serverMessage) {
        super("Threat Grid rejected " + endpoint + " (" + status + "): " + serverMessage);
    }
}
