package io.tgharvester.config;

/** Where the API key comes from: a fixed value, or a file read again when it changes. */
@FunctionalInterface
public interface ApiKeySource {
    /** The key to send with the next call. */
    ApiKey current();
}
