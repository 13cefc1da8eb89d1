package io.tgharvester.pipeline;

import io.tgharvester.store.ArtifactTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parse stage beside the downloads of {@code run --once}: analyses whose files are down are parsed while the rest
 * download, not all after the last one (in a backlog, parsing afterwards had added half again to the pass). Started
 * with the first download stage of a pass and ended with the pass, so every connection's downloads share one parser.
 * It parses what earlier passes left, then each sample as the downloads record its analysis.json or processes.json:
 * looking the whole queue up every 100 ms instead took half of the parse thread's CPU, and grew with the data dir.
 * What this leaves, and any failure of it, the parse stage proper takes up after the downloads.
 */
final class ParsingBeside implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ParsingBeside.class);
    /** Between two looks at whether the downloads have ended. */
    private static final Duration WAIT = Duration.ofMillis(100);

    private final AnalysisIndexer indexer;
    private final AtomicBoolean downloading = new AtomicBoolean(true);
    /** Samples whose analysis.json or processes.json the downloads have recorded, to be parsed if now ready. */
    private final BlockingQueue<String> recorded = new LinkedBlockingQueue<>();
    private final List<ArtifactCollector> heard = new ArrayList<>();
    private Optional<Thread> parsing = Optional.empty();

    ParsingBeside(AnalysisIndexer indexer) {
        this.indexer = indexer;
    }

    /** Parses beside {@code downloads} too, starting to parse unless it already runs. */
    void start(ArtifactCollector downloads) {
        downloads.reportOutcomesTo(this::recorded);
        heard.add(downloads);
        if (parsing.isPresent()) {
            return;
        }
        Thread thread = new Thread(this::parseWhileDownloading, "tg-parse");
        thread.setDaemon(true);
        thread.start();
        parsing = Optional.of(thread);
    }

    private void recorded(ArtifactTask task) {
        if (task.name().equals("analysis.json") || task.name().equals("processes.json")) {
            recorded.add(task.sampleId());
        }
    }

    private void parseWhileDownloading() {
        AnalysisIndexer.Tally tally = new AnalysisIndexer.Tally(0, 0);
        try {
            tally = indexer.parseReady();
            while (downloading.get()) {
                String first = recorded.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                Set<String> samples = new LinkedHashSet<>(List.of(first));
                recorded.drainTo(samples);
                for (String sample : samples) {
                    if (!downloading.get()) {
                        break;
                    }
                    tally = tally.plus(indexer.parseIfDue(sample));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.debug("event=parse-beside-downloads-ended error=\"{}\"", e.getMessage());
        }
        tally.log(" detail=\"beside the downloads\"");
    }

    /** Ends the parsing once its sample in progress is done. */
    @Override
    public void close() {
        downloading.set(false);
        heard.forEach(downloads -> downloads.reportOutcomesTo(task -> { }));
        if (parsing.isEmpty()) {
            return;
        }
        try {
            parsing.get().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
