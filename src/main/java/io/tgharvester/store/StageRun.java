package io.tgharvester.store;

import java.time.Instant;
import java.util.Optional;

/** A pipeline stage's row of job_runs: when it last succeeded and failed, and the last failure's message. */
public record StageRun(String stage, Optional<Instant> lastSuccess, Optional<Instant> lastFailure,
                       Optional<String> lastError) {
}
