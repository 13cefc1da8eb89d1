package io.tgharvester;

import io.tgharvester.api.Sample;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Samples as the list API gives them, with only what a test cares about set. */
public final class TestSamples {
    private TestSamples() {
    }

    /** Sample number {@code n} ({@link TgJson#id}) in {@code state}, submitted at {@code submittedAt}. */
    public static Sample sample(int n, String state, Instant submittedAt) {
        return new Sample(TgJson.id(n), state, Optional.empty(), Optional.empty(), Optional.of("eve"),
                Optional.empty(), Optional.empty(), Optional.of(submittedAt), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }
}
