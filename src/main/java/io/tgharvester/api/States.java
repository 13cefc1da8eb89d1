package io.tgharvester.api;

import java.util.Set;

/** Threat Grid's sample states. Unknown states are kept as strings, never rejected. */
public final class States {
    public static final String SUCC = "succ";
    public static final String FAIL = "fail";
    public static final Set<String> KNOWN = Set.of("wait", "prep", "run", "proc", SUCC, FAIL);

    private States() {
    }

    /** Final states are never checked again. */
    public static boolean isFinal(String state) {
        return SUCC.equals(state) || FAIL.equals(state);
    }
}
