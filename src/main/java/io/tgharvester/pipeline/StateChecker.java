package io.tgharvester.pipeline;

import io.tgharvester.api.StateAnswer;
import io.tgharvester.api.States;
import io.tgharvester.api.ThreatGridClient;
import io.tgharvester.store.SampleStore;
import io.tgharvester.store.StoreOutcome;
import io.tgharvester.config.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Asks for the state of every unfinished sample in as few bulk calls as URL length allows. */
public final class StateChecker implements Stage {
    private static final Logger log = LoggerFactory.getLogger(StateChecker.class);
    /**
     * Each id costs 41 URL characters once JSON-quoted and URL-encoded (32 + %22 twice + %2C); 140 of them keep
     * the URL under ~6 KB, which proxies and the API accept.
     */
    static final int IDS_PER_CALL = 140;

    private final ThreatGridClient client;
    private final SampleStore store;
    private final Clock clock;
    private final Duration staleAfter;
    /** Unknown states are logged once per process, not at every check. */
    private final Set<String> reportedUnknownStates = ConcurrentHashMap.newKeySet();

    public StateChecker(ThreatGridClient client, SampleStore store, Clock clock, Duration staleAfter) {
        this.client = client;
        this.store = store;
        this.clock = clock;
        this.staleAfter = staleAfter;
    }

    @Override
    public String name() {
        return "state";
    }

    @Override
    public int run() {
        Instant now = clock.instant();
        int stale = store.markStale(now.minus(staleAfter), now);
        if (stale > 0) {
            log.warn("event=samples-stale count={} detail=\"unfinished after {}; no longer checked\"",
                    stale, Durations.format(staleAfter));
        }
        List<String> ids = store.unfinishedIds();
        StoreOutcome total = StoreOutcome.NONE;
        int calls = 0;
        for (int from = 0; from < ids.size(); from += IDS_PER_CALL) {
            StateAnswer answer = client.states(ids.subList(from, Math.min(ids.size(), from + IDS_PER_CALL)));
            calls++;
            answer.reports().stream().map(r -> r.state())
                    .filter(s -> !States.KNOWN.contains(s) && reportedUnknownStates.add(s))
                    .forEach(s -> log.warn("event=unknown-state state={} detail=\"recorded as is\"", s));
            answer.skipped().forEach(item -> log.warn("event=state-skipped reason=\"{}\" item={}",
                    item.reason(), item.excerpt()));
            total = total.plus(store.applyStates(answer.reports(), clock.instant()));
        }
        if (total.changed() > 0) {
            log.info("event=state-check unfinished={} calls={} changed={} succeeded={}",
                    ids.size(), calls, total.changed(), total.succeeded());
        } else {
            log.debug("event=state-check unfinished={} calls={} unchanged", ids.size(), calls);
        }
        return total.succeeded();
    }
}
