package io.tgharvester.correlate;

import io.tgharvester.correlate.CorrelationRows.ArtifactHash;
import io.tgharvester.correlate.CorrelationRows.Domain;
import io.tgharvester.correlate.CorrelationRows.Ioc;
import io.tgharvester.correlate.CorrelationRows.NetworkFlow;
import io.tgharvester.correlate.CorrelationRows.Process;
import io.tgharvester.correlate.CorrelationRows.RegistryKey;
import io.tgharvester.correlate.CorrelationRows.Summary;
import io.tgharvester.correlate.CorrelationRows.Url;
import java.util.ArrayList;
import java.util.List;

/** Keeps every row a parse emits, for assertions. */
final class RecordingSink implements CorrelationSink {
    final List<Summary> summaries = new ArrayList<>();
    final List<Ioc> iocs = new ArrayList<>();
    final List<NetworkFlow> flows = new ArrayList<>();
    final List<Domain> domains = new ArrayList<>();
    final List<Url> urls = new ArrayList<>();
    final List<ArtifactHash> hashes = new ArrayList<>();
    final List<Process> processes = new ArrayList<>();
    final List<RegistryKey> registryKeys = new ArrayList<>();

    Summary summary() {
        if (summaries.size() != 1) {
            throw new AssertionError("expected one summary, got " + summaries);
        }
        return summaries.get(0);
    }

    @Override
    public void summary(Summary summary) {
        summaries.add(summary);
    }

    @Override
    public void ioc(Ioc ioc) {
        iocs.add(ioc);
    }

    @Override
    public void flow(NetworkFlow flow) {
        flows.add(flow);
    }

    @Override
    public void domain(Domain domain) {
        domains.add(domain);
    }

    @Override
    public void url(Url url) {
        urls.add(url);
    }

    @Override
    public void artifactHash(ArtifactHash hash) {
        hashes.add(hash);
    }

    @Override
    public void process(Process process) {
        processes.add(process);
    }

    @Override
    public void registryKey(RegistryKey key) {
        registryKeys.add(key);
    }
}
