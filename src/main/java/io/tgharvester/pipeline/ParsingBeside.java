package io.tgharvester.pipeline;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parse stage beside the downloads of {@code run --once}: analyses whose files are down are parsed while the rest
 * download, not all after the last one (in a backlog, parsing afterwards had added half again to the pass). Started
 * with the first download stage of a pass and ended with the pass, so every connection's downloads share one parser.
 * What this leaves, and any failure of it, the parse stage proper takes up after the downloads.
 */
final class ParsingBeside implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ParsingBeside.class);
    /** Between two looks for downloaded analyses to parse. */
    private static final Duration WAIT = Duration.ofMillis(100);

    private final AnalysisIndexer indexer;
    private final AtomicBoolean downloading = new AtomicBoolean(true);
    private Optional<Thread> parsing = Optional.empty();

    ParsingBeside(AnalysisIndexer indexer) {
        this.indexer = indexer;
    }

    /** Starts parsing beside the downloads, unless it already runs. */
    void start() {
        if (parsing.isPresent()) {
            return;
        }
        Thread thread = new Thread(this::parseWhileDownloading, "tg-parse");
        thread.setDaemon(true);
        thread.start();
        parsing = Optional.of(thread);
    }

    private void parseWhileDownloading() {
        AnalysisIndexer.Tally tally = new AnalysisIndexer.Tally(0, 0);
        try {
            while (downloading.get()) {
                AnalysisIndexer.Tally round = indexer.parseReady();
                tally = tally.plus(round);
                if (round.parsed() + round.failed() == 0 && !StagePatience.slept(WAIT)) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            log.debug("event=parse-beside-downloads-ended error=\"{}\"", e.getMessage());
        }
        tally.log(" detail=\"beside the downloads\"");
    }

    /** Ends the parsing once its round in progress is done. */
    @Override
    public void close() {
        downloading.set(false);
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
