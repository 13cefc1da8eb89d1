package io.tgharvester.pipeline;

/**
 * Tells whoever listens (the daemon's download job of that connection) that a stage has just stored samples that
 * reached {@code succ}, while that stage is still going: a long listing's first pages are downloaded while its later
 * ones are still being asked for. Nobody listens in a {@code run --once} pass, whose downloads follow the fetch.
 */
final class SucceededSignal {
    private volatile Runnable listener = () -> { };

    void listen(Runnable onSucceeded) {
        listener = onSucceeded;
    }

    void succeeded() {
        listener.run();
    }
}
