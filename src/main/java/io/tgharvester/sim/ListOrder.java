package io.tgharvester.sim;

import java.util.Comparator;
import java.util.Locale;

/**
 * The order in which the simulator lists samples. Threat Grid documents none for {@code /api/v2/samples} (sort_by and
 * sort_order are documented only for {@code /api/v2/search/submissions}), so the simulator ignores both parameters
 * and lists newest first unless told otherwise. {@code SHUFFLED} is an order unrelated to time that still stays the
 * same from one call to the next, as a database's order does; new samples land anywhere in it.
 */
public enum ListOrder {
    NEWEST, OLDEST, SHUFFLED;

    private static final Comparator<SimulatedSample> OLDEST_FIRST =
            Comparator.comparing(SimulatedSample::submittedAt).thenComparing(SimulatedSample::id);

    Comparator<SimulatedSample> comparator(long seed) {
        return switch (this) {
            case NEWEST -> OLDEST_FIRST.reversed();
            case OLDEST -> OLDEST_FIRST;
            case SHUFFLED -> Comparator.comparingLong((SimulatedSample s) -> mix(s.id().hashCode() ^ seed))
                    .thenComparing(SimulatedSample::id);
        };
    }

    /** A 64-bit finalizer (SplitMix64's), so ids close in hash land far apart. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Reads {@code newest}, {@code oldest} or {@code shuffled}, in any case. */
    public static ListOrder parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("list order must be newest, oldest or shuffled, not '" + text + "'");
        }
    }
}
