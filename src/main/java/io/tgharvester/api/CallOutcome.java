package io.tgharvester.api;

import java.io.IOException;

/** How one attempt of a call to Threat Grid ended, as the HTTP exchange went. */
public enum CallOutcome {
    /** 2xx or 3xx. An error envelope under 200 is still OK here; the stage's failure says what it meant. */
    OK,
    /** 404: an artifact the analysis does not have. */
    NOT_FOUND,
    /** 401 or 403: the key is wrong or may not read the organization's samples. */
    KEY_REFUSED,
    /** 429. */
    RATE_LIMITED,
    /** Another 4xx. */
    REJECTED,
    /** 5xx. */
    SERVER_ERROR,
    /** No answer: refused or reset connection, failed lookup, timeout, TLS refused. */
    UNREACHABLE,
    /** Held back by the client-side throttle, never sent. */
    HELD_BACK,
    /** Cancelled by a stopping harvester. */
    CANCELLED;

    static CallOutcome of(int status) {
        if (status == 401 || status == 403) {
            return KEY_REFUSED;
        }
        if (status == 404) {
            return NOT_FOUND;
        }
        if (status == 429) {
            return RATE_LIMITED;
        }
        if (status >= 500) {
            return SERVER_ERROR;
        }
        return status >= 400 ? REJECTED : OK;
    }

    static CallOutcome of(IOException e, boolean cancelled) {
        if (cancelled) {
            return CANCELLED;
        }
        return e instanceof ThrottleInterceptor.HeldBack ? HELD_BACK : UNREACHABLE;
    }
}
