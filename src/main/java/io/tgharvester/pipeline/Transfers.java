package io.tgharvester.pipeline;

import io.tgharvester.api.ArtifactStream;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The artifact transfers in progress, so that a stop can cut them off even while a read blocks. */
final class Transfers {
    private final Set<ArtifactStream> open = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    /** Registers a transfer that has begun; after a stop it is refused, and the caller closes it. */
    void begun(ArtifactStream stream) throws IOException {
        open.add(stream);
        if (stopping) {
            throw new IOException("stopping");
        }
    }

    void ended(ArtifactStream stream) {
        open.remove(stream);
    }

    boolean stopping() {
        return stopping;
    }

    /** Cuts off every transfer in progress and refuses new ones. */
    void stopAll() {
        stopping = true;
        open.forEach(stream -> stream.abort().run());
    }
}
