package io.tgharvester.correlate;

import io.tgharvester.correlate.CorrelationRows.Process;
import io.tgharvester.correlate.CorrelationRows.RegistryKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code processes} and {@code registry_keys} rows of one analysis, one process row per process. analysis.json's
 * processes are always read; processes.json, whose layout is not publicly documented, only adds to them:
 * <ul>
 *   <li>a process of processes.json is the same process as one of analysis.json when both have the same pid, or,
 *       where either lacks a pid, the same process number;</li>
 *   <li>analysis.json's value of each column wins, processes.json fills the columns analysis.json left empty;</li>
 *   <li>registry accesses are the union of both files', each (key, operation) once per process;</li>
 *   <li>a process only processes.json has is a row of its own.</li>
 * </ul>
 * Without processes.json the rows stream as they are read; with it, analysis.json's processes wait for it.
 */
final class ProcessRows {
    /** One registry access of a process: the key and what was done to it. */
    record RegistryAccess(String keyPath, String operation) {
    }

    private final CorrelationSink sink;
    private final boolean merging;
    private final List<Held> held = new ArrayList<>();
    private final Map<Integer, Held> byPid = new HashMap<>();
    private final Map<String, Held> byKey = new HashMap<>();
    private boolean readingProcessesJson;

    private ProcessRows(CorrelationSink sink, boolean merging) {
        this.sink = sink;
        this.merging = merging;
    }

    /** Rows of an analysis.json that comes alone: written as they are read. */
    static ProcessRows streaming(CorrelationSink sink) {
        return new ProcessRows(sink, false);
    }

    /** Rows of an analysis.json and the processes.json read after it. */
    static ProcessRows merging(CorrelationSink sink) {
        return new ProcessRows(sink, true);
    }

    /** The processes read from now on are processes.json's. */
    void readingProcessesJson() {
        readingProcessesJson = true;
    }

    void add(Process process, Collection<RegistryAccess> registry) {
        if (!merging) {
            write(process, registry);
            return;
        }
        Optional<Held> same = readingProcessesJson ? sameAs(process) : Optional.empty();
        if (same.isPresent()) {
            Held h = same.get();
            h.process = filled(h.process, process);
            h.registry.addAll(registry);
            h.process.pid().ifPresent(pid -> byPid.putIfAbsent(pid, h));
        } else {
            Held h = new Held(process, registry);
            held.add(h);
            if (!readingProcessesJson) {
                process.pid().ifPresent(pid -> byPid.putIfAbsent(pid, h));
                byKey.putIfAbsent(process.processKey(), h);
            }
        }
    }

    /** Writes the held rows, once both files have been read. */
    void finish() {
        held.forEach(h -> write(h.process, h.registry));
        held.clear();
    }

    private Optional<Held> sameAs(Process process) {
        if (process.pid().isPresent() && byPid.containsKey(process.pid().get())) {
            return Optional.of(byPid.get(process.pid().get()));
        }
        return Optional.ofNullable(byKey.get(process.processKey()))
                .filter(h -> h.process.pid().isEmpty() || process.pid().isEmpty());
    }

    private static Process filled(Process first, Process more) {
        return new Process(first.processKey(), first.pid().or(more::pid), first.ppid().or(more::ppid),
                first.name().or(more::name), first.image().or(more::image),
                first.commandLine().or(more::commandLine), first.analyzedBecause().or(more::analyzedBecause),
                first.startedAt().or(more::startedAt));
    }

    private void write(Process process, Collection<RegistryAccess> registry) {
        sink.process(process);
        for (RegistryAccess access : registry) {
            sink.registryKey(new RegistryKey(process.pid(), access.keyPath(), access.operation()));
        }
    }

    /** A process of analysis.json (or only of processes.json) waiting to be written. */
    private static final class Held {
        private Process process;
        private final Set<RegistryAccess> registry;

        Held(Process process, Collection<RegistryAccess> registry) {
            this.process = process;
            this.registry = new LinkedHashSet<>(registry);
        }
    }
}
