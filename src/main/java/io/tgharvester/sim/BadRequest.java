package io.tgharvester.sim;

/** A request the real service would refuse with 400; the message says what to send instead. */
final class BadRequest extends RuntimeException {
    BadRequest(String message) {
        super(message);
    }
}
