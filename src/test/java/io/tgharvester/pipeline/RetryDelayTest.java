package io.tgharvester.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryDelayTest {
    private final RetryDelay defaults = new RetryDelay(Duration.ofSeconds(5), Duration.ofHours(1), new Random(3));

    @Test
    void theFirstRetryComesWithinSecondsAndEachFurtherFailureOfTheSameArtifactDoublesTheWait() {
        for (int failures = 0; failures < 9; failures++) {
            Duration least = Duration.ofSeconds(5L << failures);
            for (int draw = 0; draw < 200; draw++) {
                Duration wait = defaults.after(failures);
                assertTrue(wait.compareTo(least) >= 0 && wait.compareTo(least.multipliedBy(2)) < 0,
                        "after " + failures + " earlier failures: " + wait);
            }
        }
    }

    @Test
    void waitsAreSpreadSoThatArtifactsCutTogetherAreNotRetriedInStep() {
        Set<Duration> firstWaits = new HashSet<>();
        for (int draw = 0; draw < 20; draw++) {
            firstWaits.add(defaults.after(0));
        }
        assertTrue(firstWaits.size() > 10, "spread: " + firstWaits);
    }

    @Test
    void noWaitIsLongerThanTheMaximumHoweverOftenTheArtifactFailed() {
        for (int failures : new int[] {9, 10, 30, 64, Integer.MAX_VALUE}) {
            Duration wait = defaults.after(failures);
            assertTrue(wait.compareTo(Duration.ofMinutes(40)) >= 0 && wait.compareTo(Duration.ofHours(1)) <= 0,
                    failures + ": " + wait);
        }
        assertEquals(Duration.ofHours(1), defaults.after(12));
    }
}
