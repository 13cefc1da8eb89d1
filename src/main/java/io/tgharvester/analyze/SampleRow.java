package io.tgharvester.analyze;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A sample as the {@code samples} table holds it; {@code connection} is the alias of the connection that harvested it
 * ({@code default} for the single-key configuration).
 */
public record SampleRow(
        String id,
        String state,
        Optional<String> status,
        Optional<String> filename,
        Optional<String> login,
        Optional<Long> organizationId,
        Optional<Instant> submittedAt,
        Optional<Instant> finishedAt,
        Optional<String> sha256,
        Optional<String> md5,
        Optional<String> sha1,
        List<String> tags,
        Optional<String> vm,
        Optional<String> os,
        String connection) {

    public SampleRow {
        tags = List.copyOf(tags);
    }
}
