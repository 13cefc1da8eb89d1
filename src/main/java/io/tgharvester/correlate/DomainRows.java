package io.tgharvester.correlate;

import io.tgharvester.correlate.CorrelationRows.Domain;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code domains} rows of one analysis: every name of the {@code domains} section and every name a DNS session
 * asked for, once each, with the addresses the DNS answers gave. The section lists names only (its entries carry a
 * status and categories, no addresses), so the addresses come from the network sessions.
 *
 * <p>Only what must wait is held: DNS answers until the domains section names them, and the section's names when it
 * comes before the network section. In Threat Grid's order (network, then domains) a long domains section streams.
 */
final class DomainRows {
    private final CorrelationSink sink;
    /** DNS query name to the addresses answered for it, until the row is written. */
    private final Map<String, Set<String>> answered = new LinkedHashMap<>();
    /** Names of a domains section read before the network section. */
    private final Set<String> listedEarly = new LinkedHashSet<>();
    private boolean networkRead;

    DomainRows(CorrelationSink sink) {
        this.sink = sink;
    }

    /** A DNS query for {@code name} and the addresses its answers gave (none for a name that did not resolve). */
    void answered(String name, Set<String> addresses) {
        Optional<String> domain = normalized(name);
        domain.ifPresent(d -> answered.computeIfAbsent(d, k -> new LinkedHashSet<>()).addAll(addresses));
    }

    void networkRead() {
        networkRead = true;
    }

    /** A name of the domains section. */
    void listed(String name) {
        normalized(name).ifPresent(domain -> {
            if (networkRead) {
                write(domain);
            } else {
                listedEarly.add(domain);
            }
        });
    }

    /** Writes what is still held, once the whole analysis.json has been read. */
    void finish() {
        listedEarly.forEach(this::write);
        listedEarly.clear();
        List.copyOf(answered.keySet()).forEach(this::write);
    }

    private void write(String domain) {
        Set<String> addresses = answered.remove(domain);
        sink.domain(new Domain(domain, addresses == null || addresses.isEmpty() ? Optional.empty()
                : Optional.of(String.join(",", addresses))));
    }

    /** Lower case without the root's trailing dot, as the domains table keeps names. */
    static Optional<String> normalized(String name) {
        String domain = name.strip().toLowerCase(Locale.ROOT);
        while (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        return domain.isEmpty() ? Optional.empty() : Optional.of(domain);
    }
}
