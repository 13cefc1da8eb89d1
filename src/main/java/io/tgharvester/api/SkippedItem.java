package io.tgharvester.api;

/** An item of an otherwise good answer that could not be used, and why; the rest of the answer is kept. */
public record SkippedItem(String reason, String excerpt) {
}
