package io.tgharvester.store;

/** The local database cannot do what was asked; the message says why and what to do. */
public final class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    /** The database's reason follows on the same line: PostgreSQL's span several (its Hint, Position, Detail). */
    public StoreException(String message, Throwable cause) {
        super(message + ": " + String.valueOf(cause.getMessage()).strip().replaceAll("\\s*\\R\\s*", " "), cause);
    }
}
