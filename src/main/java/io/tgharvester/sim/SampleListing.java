package io.tgharvester.sim;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A list call's parameters, checked as the service checks them, and the page of samples they select: submitted at or
 * after {@code after} and before {@code before}, in the simulator's own order (sort_by and sort_order are ignored),
 * at most {@code limit} of them, where the limit asked for is cut to the server's page cap.
 */
record SampleListing(Optional<Instant> after, Optional<Instant> before, int limit, int offset) {
    static final int DEFAULT_LIMIT = 100;

    static SampleListing from(QueryString query, int pageCap) {
        String orgOnly = query.text("org_only").orElse("");
        if (!orgOnly.equals("True") && !orgOnly.equals("true")) {
            throw new BadRequest("org_only=True is required: this server never lists samples beyond your organization");
        }
        return new SampleListing(query.instant("after"), query.instant("before"),
                query.number("limit", Math.min(DEFAULT_LIMIT, pageCap), 1, pageCap),
                query.number("offset", 0, 0, Integer.MAX_VALUE));
    }

    List<SimulatedSample> page(List<SimulatedSample> samples, Comparator<SimulatedSample> order) {
        return samples.stream()
                .filter(s -> after.map(a -> !s.submittedAt().isBefore(a)).orElse(true))
                .filter(s -> before.map(b -> s.submittedAt().isBefore(b)).orElse(true))
                .sorted(order)
                .skip(offset).limit(limit)
                .toList();
    }
}
