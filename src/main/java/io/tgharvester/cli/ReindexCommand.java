package io.tgharvester.cli;

import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.correlate.AnalysisParser;
import io.tgharvester.pipeline.AnalysisIndexer;
import io.tgharvester.pipeline.AnalysisIndexer.Outcome;
import io.tgharvester.pipeline.Harvester;
import io.tgharvester.store.Database;
import io.tgharvester.store.ParseStateStore;
import io.tgharvester.store.ParseStateStore.Selection;
import io.tgharvester.store.ParseTask;
import io.tgharvester.store.StoreException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Reparses stored analyses into the correlation tables. It takes no data-dir lock, so it runs beside a daemon: each
 * sample's rows are replaced in one transaction, and a sample parsed by both just gets the same rows twice.
 */
@Command(name = "reindex", mixinStandardHelpOptions = true,
        description = {"Parses stored analysis.json and processes.json files into the correlation tables again.",
                "By default those never parsed, parsed by an older version, or that failed.",
                "Works while the daemon runs."})
final class ReindexCommand implements Callable<Integer> {
    private static final int PAGE = 500;

    @ParentCommand
    private Main main;
    @Mixin
    private ConfigOptions config;
    @ArgGroup(exclusive = true)
    private Scope scope;

    static final class Scope {
        @Option(names = "--all", description = "Reparse every stored analysis.")
        boolean all;
        @Option(names = "--sample", paramLabel = "ID", description = "Reparse this one sample.")
        Optional<String> sample;
    }

    @Override
    public Integer call() {
        HarvesterConfig cfg = config.load(main);
        Path dataDir = cfg.dataDir();
        if (!cfg.database().shared() && !Database.exists(dataDir)) {
            throw new StoreException("no database in " + dataDir + ": run the harvester first");
        }
        try (Database db = Database.open(cfg)) {
            ParseStateStore queue = new ParseStateStore(db);
            List<ParseTask> tasks = tasks(queue);
            AnalysisIndexer indexer = Harvester.indexer(dataDir, db, Clock.systemUTC());
            int failed = 0;
            try (Progress progress = new Progress(tasks.size(), System.console() != null)) {
                for (ParseTask task : tasks) {
                    if (indexer.parse(task) == Outcome.FAILED) {
                        failed++;
                    }
                    progress.step();
                }
            }
            main.out().printf("reindexed %d analyses: %d parsed, %d failed (parser version %d)%n", tasks.size(),
                    tasks.size() - failed, failed, AnalysisParser.VERSION);
            main.out().flush();
            if (failed > 0) {
                main.err().printf("tg-harvester: %d analyses could not be parsed; their errors are in parse_state%n",
                        failed);
                main.err().flush();
                return ErrorReporter.LOCAL;
            }
            return 0;
        }
    }

    private List<ParseTask> tasks(ParseStateStore queue) {
        if (scope != null && scope.sample.isPresent()) {
            String id = scope.sample.get();
            return List.of(queue.readyOne(id, Selection.ALL, AnalysisParser.VERSION).orElseThrow(() ->
                    new IllegalArgumentException("sample " + id + " has no downloaded analysis.json to parse")));
        }
        Selection selection = scope != null && scope.all ? Selection.ALL : Selection.DUE_OR_FAILED;
        List<ParseTask> tasks = new ArrayList<>();
        List<ParseTask> page;
        String after = "";
        while (!(page = queue.ready(selection, AnalysisParser.VERSION, after, PAGE)).isEmpty()) {
            tasks.addAll(page);
            after = page.get(page.size() - 1).sampleId();
        }
        return tasks;
    }

    /** A bar on a terminal; nothing elsewhere, where the closing line says it all. */
    private static final class Progress implements AutoCloseable {
        private final Optional<ProgressBar> bar;

        Progress(int total, boolean terminal) {
            bar = terminal ? Optional.of(new ProgressBarBuilder().setTaskName("reindex").setInitialMax(total)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).build()) : Optional.empty();
        }

        void step() {
            bar.ifPresent(ProgressBar::step);
        }

        @Override
        public void close() {
            bar.ifPresent(ProgressBar::close);
        }
    }
}
