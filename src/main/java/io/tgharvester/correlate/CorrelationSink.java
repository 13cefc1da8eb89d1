package io.tgharvester.correlate;

import io.tgharvester.correlate.CorrelationRows.ArtifactHash;
import io.tgharvester.correlate.CorrelationRows.Domain;
import io.tgharvester.correlate.CorrelationRows.Ioc;
import io.tgharvester.correlate.CorrelationRows.NetworkFlow;
import io.tgharvester.correlate.CorrelationRows.Process;
import io.tgharvester.correlate.CorrelationRows.RegistryKey;
import io.tgharvester.correlate.CorrelationRows.Summary;
import io.tgharvester.correlate.CorrelationRows.Url;

/** Receives rows as the parser reads them, so no analysis is ever held in memory whole. */
public interface CorrelationSink {
    void summary(Summary summary);

    void ioc(Ioc ioc);

    void flow(NetworkFlow flow);

    void domain(Domain domain);

    void url(Url url);

    void artifactHash(ArtifactHash hash);

    void process(Process process);

    void registryKey(RegistryKey key);
}
