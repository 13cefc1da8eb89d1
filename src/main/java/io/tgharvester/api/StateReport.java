package io.tgharvester.api;

import java.util.Optional;

/** One entry of the bulk state answer: {@code {"sample": id, "state": ..., "status": ...}}. */
public record StateReport(String sampleId, String state, Optional<String> status) {
}
