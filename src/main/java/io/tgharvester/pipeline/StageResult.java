package io.tgharvester.pipeline;

import java.util.Optional;

/** How one run of a stage ended: done (with new successes), skipped while backing off, or failed. */
public record StageResult(String stage, Status status, int newSuccesses, Optional<RuntimeException> failure) {
    public enum Status { DONE, SKIPPED, FAILED }

    static StageResult done(String stage, int newSuccesses) {
        return new StageResult(stage, Status.DONE, newSuccesses, Optional.empty());
    }

    static StageResult skipped(String stage) {
        return new StageResult(stage, Status.SKIPPED, 0, Optional.empty());
    }

    static StageResult failed(String stage, RuntimeException failure) {
        return new StageResult(stage, Status.FAILED, 0, Optional.of(failure));
    }
}
