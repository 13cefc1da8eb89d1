package io.tgharvester.store;

/** What one store call did: samples new to the database, samples whose state changed, and new successes. */
public record StoreOutcome(int added, int changed, int succeeded) {
    public static final StoreOutcome NONE = new StoreOutcome(0, 0, 0);

    public StoreOutcome plus(StoreOutcome other) {
        return new StoreOutcome(added + other.added, changed + other.changed, succeeded + other.succeeded);
    }
}
