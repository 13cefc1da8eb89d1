package io.tgharvester.api;

import java.util.Set;

/** Threat Grid's sample states. Unknown states are kept as strings, never rejected. */
public final class States {
    public static final String SUCC = "succ";
    public static final String FAIL = "fail";
    /** The harvester's own final state for a sample that stayed unfinished past {@code harvester.stale-after}. */
    public static final String STALE = "stale";
    /** The states Threat Grid reports. */
    public static final Set<String> KNOWN = Set.of("wait", "prep", "run", "proc", SUCC, FAIL);

    private States() {
    }

    /** Final states are never checked again (a stale sample listed later as succ or fail is still updated). */
    public static boolean isFinal(String state) {
        return SUCC.equals(state) || FAIL.equals(state) || STALE.equals(state);
    }
}
