package io.tgharvester.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The api benchmark's plumbing at tiny size: it counts each kind of call and only final samples as harvested. */
class ApiCallsTest {
    @TempDir
    Path work;

    @Test
    void countsListStateAndArtifactCallsOfTheWindowAndTheSamplesHarvestedInIt() {
        ApiCalls.Counts c = ApiCalls.measure(new ApiCalls.Plan(Duration.ofMinutes(1), Duration.ofMinutes(15),
                Duration.ofMinutes(20), work));

        assertTrue(c.harvested() > 10, c.toString());
        assertEquals(20, c.list(), "one list call per minute of the window: " + c);
        assertEquals(4, c.state(), "one bulk state call per five minutes: " + c);
        assertEquals(4 * c.harvested(), c.artifacts(), "four downloads per harvested sample and no more: " + c);
        assertEquals(0, c.other(), c.toString());
    }
}
