package io.tgharvester.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The soak's short form: two simulated hours at 240x (half a minute), with kills, faults and a reconciliation. */
class SoakTest {
    @TempDir
    Path work;

    @Test
    void aShortSoakWithFaultsAndKillsLosesNothingCorruptsNothingAndLeaksNothing() throws Exception {
        Soak.Outcome outcome = Soak.run(new Soak.Plan(2, 240, Duration.ofSeconds(8), 7, work));

        Reconciliation r = outcome.reconciliation();
        assertTrue(outcome.kills() >= 2, "killed " + outcome.kills() + " times");
        assertTrue(r.samplesExpected() > 100, r.table());
        assertEquals(0, r.samplesLost(), r.table());
        assertEquals(0, r.statesWrong(), r.table());
        assertEquals(r.artifactsExpected(), r.artifactsIntact(), r.table());
        assertEquals(0, r.artifactsCorrupt(), r.table());
        assertEquals(0, r.keyLeaks(), r.table());
        assertTrue(r.listCalls() > 0, r.table());
        assertEquals(0, r.listCallsWithoutOrgOnly(), r.table());
    }
}
