package io.tgharvester.sim;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/** A sample as the list API shows it at one moment: a bare record, times as ISO-8601 UTC without fractions. */
final class SampleItem {
    static final int ORGANIZATION_ID = 4242;
    private static final DateTimeFormatter WIRE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private SampleItem() {
    }

    static Map<String, Object> of(SimulatedSample s, Instant now) {
        String state = s.stateAt(now);
        Map<String, Object> item = Json.object("id", s.id(), "filename", s.filename(), "state", state,
                "status", s.statusAt(now), "submitted_at", WIRE_TIME.format(s.submittedAt()));
        if (!state.equals("wait")) {
            item.put("started_at", WIRE_TIME.format(s.prepAt()));
        }
        if (state.equals(s.finalState())) {
            item.put("completed_at", WIRE_TIME.format(s.completedAt()));
        }
        item.putAll(Json.object("login", s.login(), "organization_id", ORGANIZATION_ID,
                "submission_id", s.submissionId(), "md5", s.md5(), "sha1", s.sha1(), "sha256", s.sha256(),
                "tags", s.tags(), "vm", s.vm(), "os", s.os(), "private", true, "playbook", "default",
                // newer fields, which clients must ignore
                "priority", 2, "analysis_features", List.of("network", "video")));
        return item;
    }
}
