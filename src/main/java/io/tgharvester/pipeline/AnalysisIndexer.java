package io.tgharvester.pipeline;

import io.tgharvester.correlate.AnalysisParser;
import io.tgharvester.correlate.MalformedAnalysis;
import io.tgharvester.store.CorrelationStore;
import io.tgharvester.store.ParseStateStore;
import io.tgharvester.store.ParseStateStore.Selection;
import io.tgharvester.store.ParseTask;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parse stage: fills the correlation tables from downloaded analysis.json and processes.json files. A file that
 * cannot be parsed is recorded as failed with its error and left alone until {@code reindex} or a new parser version,
 * so a bad file neither stops the round nor is read again and again.
 */
public final class AnalysisIndexer implements Stage {
    private static final Logger log = LoggerFactory.getLogger(AnalysisIndexer.class);
    private static final int BATCH = 50;

    /** How the parse of one sample ended. */
    public enum Outcome { PARSED, FAILED }

    private final Path dataDir;
    private final ParseStateStore queue;
    private final CorrelationStore correlations;
    private final AnalysisParser parser;
    private final Clock clock;
    private volatile boolean stopping;

    public AnalysisIndexer(Path dataDir, ParseStateStore queue, CorrelationStore correlations, AnalysisParser parser,
                           Clock clock) {
        this.dataDir = dataDir;
        this.queue = queue;
        this.correlations = correlations;
        this.parser = parser;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "parse";
    }

    @Override
    public int run() {
        Tally tally = parseReady();
        tally.log("");
        return 0;
    }

    /** Parses every sample whose files are down and not parsed yet by this parser version. */
    Tally parseReady() {
        int parsed = 0;
        int failed = 0;
        String after = "";
        List<ParseTask> tasks;
        // Every task gets a parse_state row of the current version, and ids only grow: the loop ends.
        while (!stopping && !(tasks = queue.ready(Selection.DUE, AnalysisParser.VERSION, after, BATCH)).isEmpty()) {
            for (ParseTask task : tasks) {
                if (stopping) {
                    break;
                }
                if (parse(task) == Outcome.PARSED) {
                    parsed++;
                } else {
                    failed++;
                }
                after = task.sampleId();
            }
        }
        return new Tally(parsed, failed);
    }

    /** Parses sample {@code sampleId} if its files are down and this parser version has not parsed it yet. */
    Tally parseIfDue(String sampleId) {
        if (stopping) {
            return new Tally(0, 0);
        }
        return queue.readyOne(sampleId, Selection.DUE, AnalysisParser.VERSION)
                .map(task -> parse(task) == Outcome.PARSED ? new Tally(1, 0) : new Tally(0, 1))
                .orElse(new Tally(0, 0));
    }

    /** How many samples a round parsed, and how many it could not. */
    record Tally(int parsed, int failed) {
        Tally plus(Tally other) {
            return new Tally(parsed + other.parsed, failed + other.failed);
        }

        void log(String detail) {
            if (parsed + failed > 0) {
                AnalysisIndexer.log.info("event=analyses-parsed parsed={} failed={}{}", parsed, failed, detail);
            }
        }
    }

    /** Replaces the sample's correlation rows with a fresh parse of its files and records the outcome. */
    public Outcome parse(ParseTask task) {
        Path analysis = dataDir.resolve(task.analysisPath());
        Optional<Path> processes = task.processesPath().map(dataDir::resolve);
        try {
            correlations.replace(task.sampleId(), clock.instant(), sink -> parser.parse(analysis, processes, sink));
            queue.markParsed(task.sampleId(), AnalysisParser.VERSION, clock.instant());
            return Outcome.PARSED;
        } catch (MalformedAnalysis | IOException e) {
            String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            log.warn("event=parse-failed sample={} error=\"{}\" detail=\"kept for reindex\"", task.sampleId(), error);
            queue.markFailed(task.sampleId(), AnalysisParser.VERSION, error, clock.instant());
            return Outcome.FAILED;
        }
    }

    @Override
    public void stop() {
        stopping = true;
    }
}
