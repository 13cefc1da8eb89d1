package io.tgharvester.api;

import java.io.InterruptedIOException;

/**
 * What a call does while it waits out a retry: a download gives its transfer slot to another for the wait and takes
 * one back before it is sent again, so waiting costs no throughput.
 */
public interface RetryWaits {
    /** Nothing to give up: the list and state calls. */
    RetryWaits NONE = new RetryWaits() {
        @Override
        public void waitBegins() {
        }

        @Override
        public void waitEnds() {
        }
    };

    void waitBegins();

    /** Blocks until the call may be sent again. */
    void waitEnds() throws InterruptedIOException;
}
