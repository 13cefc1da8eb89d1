package io.tgharvester.api;

import java.util.List;

/** The usable entries of one bulk state answer, and those that were not. */
public record StateAnswer(List<StateReport> reports, List<SkippedItem> skipped) {
    public StateAnswer {
        reports = List.copyOf(reports);
        skipped = List.copyOf(skipped);
    }
}
