package io.tgharvester.api;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** One sample as the list API describes it; only {@code id} and {@code state} are guaranteed. */
public record Sample(
        String id,
        String state,
        Optional<String> status,
        Optional<String> filename,
        Optional<String> login,
        Optional<Long> organizationId,
        Optional<Long> submissionId,
        Optional<Instant> submittedAt,
        Optional<Instant> startedAt,
        Optional<Instant> completedAt,
        Optional<String> md5,
        Optional<String> sha1,
        Optional<String> sha256,
        List<String> tags,
        Optional<String> vm,
        Optional<String> os,
        Optional<String> playbook,
        Optional<Boolean> isPrivate) {

    public Sample {
        tags = List.copyOf(tags);
    }
}
