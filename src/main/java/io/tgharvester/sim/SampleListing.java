package io.tgharvester.sim;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A list call's parameters, checked as the service checks them, and the page of samples they select: submitted at or
 * after {@code after} and before {@code before}, ordered by submission time then id, newest first unless ascending.
 */
record SampleListing(Optional<Instant> after, Optional<Instant> before, int limit, int offset, boolean ascending) {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final Comparator<SimulatedSample> OLDEST_FIRST =
            Comparator.comparing(SimulatedSample::submittedAt).thenComparing(SimulatedSample::id);

    static SampleListing from(QueryString query) {
        String orgOnly = query.text("org_only").orElse("");
        if (!orgOnly.equals("True") && !orgOnly.equals("true")) {
            throw new BadRequest("org_only=True is required: this server never lists samples beyond your organization");
        }
        return new SampleListing(query.instant("after"), query.instant("before"),
                query.number("limit", DEFAULT_LIMIT, 1, MAX_LIMIT), query.number("offset", 0, 0, Integer.MAX_VALUE),
                query.text("sort_order").filter(order -> order.equalsIgnoreCase("asc")).isPresent());
    }

    List<SimulatedSample> page(List<SimulatedSample> samples) {
        return samples.stream()
                .filter(s -> after.map(a -> !s.submittedAt().isBefore(a)).orElse(true))
                .filter(s -> before.map(b -> s.submittedAt().isBefore(b)).orElse(true))
                .sorted(ascending ? OLDEST_FIRST : OLDEST_FIRST.reversed())
                .skip(offset).limit(limit)
                .toList();
    }
}
