package io.tgharvester.store;

import java.time.Duration;

/** Who claims artifacts to download (a node's id) and for how long a claim lasts unless renewed. */
public record Claimant(String node, Duration lease) {
    /** A process that harvests its data dir alone (H2): its claims keep no other process out, as there is none. */
    public static final Claimant ALONE = new Claimant("local", Duration.ofMinutes(2));
}
